import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

/** The navigation, in order; each page is loaded when first opened. */
export const pages = [
  {
    path: '/experiments',
    name: 'experiments',
    title: 'Experiments',
    icon: '⚗',
    component: () => import('./pages/ExperimentsPage.vue'),
  },
  { path: '/runs', name: 'runs', title: 'Runs', icon: '▶', component: () => import('./pages/RunsPage.vue') },
  {
    path: '/compare',
    name: 'compare',
    title: 'Compare',
    icon: '⇆',
    component: () => import('./pages/ComparePage.vue'),
  },
  {
    path: '/study',
    name: 'study',
    title: 'Study',
    icon: '◎',
    component: () => import('./pages/StudyPage.vue'),
  },
  {
    path: '/benchmarks',
    name: 'benchmarks',
    title: 'Benchmarks',
    icon: '☰',
    component: () => import('./pages/BenchmarksPage.vue'),
  },
  {
    path: '/settings',
    name: 'settings',
    title: 'Settings',
    icon: '⚙',
    component: () => import('./pages/SettingsPage.vue'),
  },
] as const;

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/runs' },
  ...pages.map(({ path, name, title, component }) => ({ path, name, component, meta: { title } })),
  // Pages reached from others, not from the navigation.
  {
    path: '/experiments/new',
    name: 'new-experiment',
    component: () => import('./pages/NewExperimentPage.vue'),
    meta: { title: 'New experiment' },
  },
  {
    path: '/runs/:id(\\d+)/rollouts',
    name: 'rollouts',
    component: () => import('./pages/RolloutsPage.vue'),
    meta: { title: 'Rollouts' },
  },
  {
    path: '/runs/:id(\\d+)',
    name: 'run',
    component: () => import('./pages/RunPage.vue'),
    meta: { title: 'Run' },
  },
  {
    path: '/experiments/:id(\\d+)',
    name: 'experiment',
    component: () => import('./pages/ExperimentPage.vue'),
    meta: { title: 'Experiment' },
  },
  { path: '/:unknown(.*)*', redirect: '/runs' },
];

// Hash history works both from file:// in Electron and behind any path in serve mode.
export const router = createRouter({ history: createWebHashHistory(), routes });

router.afterEach((to) => {
  document.title = to.meta.title ? `${String(to.meta.title)} · AEPO Lab` : 'AEPO Lab';
});
