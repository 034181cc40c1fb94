/// <reference types="vite/client" />
import type { LabBridge } from '../src-main/api/typed-api';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the UI is served over HTTP. */
    aepoLab?: LabBridge;
  }
}
