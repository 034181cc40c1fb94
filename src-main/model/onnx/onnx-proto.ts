/**
 * Writing an ONNX model (onnx.proto3: ModelProto, GraphProto, NodeProto, ...) as protobuf bytes, for graphs built in
 * code from the model config. Only what the engine's graphs use is here, and only writing: ONNX Runtime reads the
 * bytes. Field numbers are onnx.proto3's; the protobuf wire format is varints and length-delimited fields.
 */

class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private varint(value: bigint): void {
    // int64 fields carry negatives as 10-byte two's complement varints (e.g. axis = -1).
    let v = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.chunks.push(Uint8Array.from(bytes));
  }

  int(field: number, value: number | bigint): this {
    this.varint(BigInt(field << 3));
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.varint(BigInt((field << 3) | 5));
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.varint(BigInt((field << 3) | 2));
    this.varint(BigInt(value.length));
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** onnx TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1 as const;
export const ONNX_INT64 = 7 as const;

export type AttributeValue = number | number[] | { float: number } | { text: string };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
}

/** A graph input or output: its element type and shape (a string names a dimension fixed only at run time). */
export interface OnnxValue {
  name: string;
  type: typeof ONNX_FLOAT | typeof ONNX_INT64;
  shape: (number | string)[];
}

/** A constant baked into the graph. */
export interface OnnxConstant {
  name: string;
  type: typeof ONNX_FLOAT | typeof ONNX_INT64;
  dims: number[];
  values: number[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  constants: OnnxConstant[];
}

/** ONNX IR version 8 with the default operator set 17 (LayerNormalization's first). */
export function encodeModel(graph: OnnxGraph, opset = 17): Uint8Array {
  return new ProtoWriter()
    .int(1, 8)
    .string(2, 'aepo-lab')
    .message(7, (g) => writeGraph(g, graph))
    .message(8, (o) => o.string(1, '').int(2, opset))
    .finish();
}

function writeGraph(g: ProtoWriter, graph: OnnxGraph): void {
  graph.nodes.forEach((node, i) =>
    g.message(1, (n) => {
      for (const input of node.inputs) n.string(1, input);
      for (const output of node.outputs) n.string(2, output);
      n.string(3, `${node.op}_${i}`).string(4, node.op);
      for (const [name, value] of Object.entries(node.attributes ?? {}))
        n.message(5, (a) => writeAttribute(a, name, value));
    }),
  );
  g.string(2, graph.name);
  for (const constant of graph.constants)
    g.message(5, (t) => {
      for (const dim of constant.dims) t.int(1, dim);
      t.int(2, constant.type).string(8, constant.name);
      const raw =
        constant.type === ONNX_FLOAT
          ? new Uint8Array(Float32Array.from(constant.values).buffer)
          : new Uint8Array(BigInt64Array.from(constant.values.map(BigInt)).buffer);
      t.bytes(9, raw);
    });
  for (const [field, values] of [
    [11, graph.inputs],
    [12, graph.outputs],
  ] as const)
    for (const value of values)
      g.message(field, (v) =>
        v.string(1, value.name).message(2, (type) =>
          type.message(1, (tensor) =>
            tensor.int(1, value.type).message(2, (shape) => {
              for (const dim of value.shape)
                shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
            }),
          ),
        ),
      );
}

function writeAttribute(a: ProtoWriter, name: string, value: AttributeValue): void {
  a.string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) a.int(8, v);
    a.int(20, 7); // INTS
  } else if (typeof value === 'number')
    a.int(3, value).int(20, 2); // INT
  else if ('text' in value)
    a.string(4, value.text).int(20, 3); // STRING
  else a.float(2, value.float).int(20, 1); // FLOAT
}
