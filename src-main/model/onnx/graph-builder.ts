/** Building an ONNX graph node by node: each call adds one node and answers its output's (generated) name. */
import { ONNX_FLOAT, ONNX_INT64, type OnnxConstant, type OnnxNode } from './onnx-proto';

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly constants: OnnxConstant[] = [];
  private count = 0;
  private readonly known = new Map<string, string>();

  op(op: string, inputs: string[], attributes?: OnnxNode['attributes']): string {
    return this.multi(op, inputs, 1, attributes)[0]!;
  }

  /** A node with several outputs (Split, LayerNormalization's mean and inverse deviation). */
  multi(op: string, inputs: string[], outputs: number, attributes?: OnnxNode['attributes']): string[] {
    const names = Array.from({ length: outputs }, (_, i) => `${op.toLowerCase()}_${this.count}_${i}`);
    this.count++;
    this.nodes.push({ op, inputs, outputs: names, attributes });
    return names;
  }

  /** Gives a value a fixed name (a graph output). */
  name(value: string, as: string): string {
    this.nodes.push({ op: 'Identity', inputs: [value], outputs: [as] });
    return as;
  }

  /** An int64 vector constant (shapes, axes, split sizes), made once per distinct value. */
  ints(values: number[]): string {
    return this.constant(ONNX_INT64, [values.length], values);
  }

  /** A float vector constant. */
  floats(values: number[]): string {
    return this.constant(ONNX_FLOAT, [values.length], values);
  }

  /** A float scalar constant, made once per distinct value. */
  scalar(value: number): string {
    return this.constant(ONNX_FLOAT, [], [value]);
  }

  private constant(type: typeof ONNX_FLOAT | typeof ONNX_INT64, dims: number[], values: number[]): string {
    const key = JSON.stringify([type, dims, values]);
    let name = this.known.get(key);
    if (!name) {
      name = `const_${this.constants.length}`;
      this.constants.push({ name, type, dims, values });
      this.known.set(key, name);
    }
    return name;
  }

  // The operations the transformer graphs use, named as the maths reads.
  add = (a: string, b: string) => this.op('Add', [a, b]);
  sub = (a: string, b: string) => this.op('Sub', [a, b]);
  mul = (a: string, b: string) => this.op('Mul', [a, b]);
  matMul = (a: string, b: string) => this.op('MatMul', [a, b]);
  transpose = (x: string, perm: number[]) => this.op('Transpose', [x], { perm });
  reshape = (x: string, shape: number[]) => this.op('Reshape', [x, this.ints(shape)]);
  /** Sum over axes, keeping them (opset 13+: the axes are an input). */
  sumKeep = (x: string, axes: number[]) => this.op('ReduceSum', [x, this.ints(axes)], { keepdims: 1 });
  /** Sum over every axis but the last: a bias or gain gradient [n] from a [..., n] tensor. */
  sumToLast = (x: string, rank: number) =>
    this.op('ReduceSum', [x, this.ints(Array.from({ length: rank - 1 }, (_, i) => i))], { keepdims: 0 });
  meanLast = (x: string) => this.op('ReduceMean', [x], { axes: [-1], keepdims: 1 });
  /** aᵀ·b over all leading rows: [.., m] and [.., n] flattened to rows, answering [m, n] (a weight's gradient). */
  rowsTMatMul = (a: string, b: string, m: number, n: number) =>
    this.matMul(this.transpose(this.reshape(a, [-1, m]), [1, 0]), this.reshape(b, [-1, n]));
}
