// A minimal protobuf wire-format reader: enough to read the fields of a
// log entry the certificate check needs. Throws Error on malformed bytes.
import {fromUtf8} from './bytes.js';

// Every field of `bytes` as {number, wire, value}: value is a BigInt for
// varints and fixed fields, a Uint8Array for length-delimited ones.
export function fields(bytes) {
  const out = [];
  let at = 0;
  const varint = () => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) throw new Error('truncated varint');
      const b = bytes[at++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error('varint too long');
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (number === 0) throw new Error('field number 0');
    let value;
    if (wire === 0) {
      value = varint();
    } else if (wire === 2) {
      const length = Number(varint());
      if (length > bytes.length - at) throw new Error('truncated field');
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (n > bytes.length - at) throw new Error('truncated field');
      value = 0n;
      for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]);
      at += n;
    } else {
      throw new Error('unsupported wire type ' + wire);
    }
    out.push({number, wire, value});
  }
  return out;
}

// A message read into {number: [values...]} with typed accessors.
export class Message {
  constructor(bytes) {
    this.byNumber = new Map();
    for (const f of fields(bytes)) {
      if (!this.byNumber.has(f.number)) this.byNumber.set(f.number, []);
      this.byNumber.get(f.number).push(f);
    }
  }
  has(n) {
    return this.byNumber.has(n);
  }
  last(n, wire) {
    const all = this.byNumber.get(n);
    if (!all) return undefined;
    const f = all[all.length - 1];
    if (f.wire !== wire) throw new Error(`field ${n} has wire type ${f.wire}`);
    return f.value;
  }
  uint(n) {
    const v = this.last(n, 0);
    return v === undefined ? 0n : v;
  }
  int64(n) {
    const v = this.uint(n);
    return BigInt.asIntN(64, v);
  }
  bytes(n) {
    const v = this.last(n, 2);
    return v === undefined ? new Uint8Array() : v;
  }
  string(n) {
    const s = fromUtf8(this.bytes(n));
    if (s === null) throw new Error(`field ${n} is not UTF-8`);
    return s;
  }
  message(n) {
    return this.has(n) ? new Message(this.bytes(n)) : null;
  }
  // Every value of a repeated bytes field, in order.
  bytesAll(n) {
    return (this.byNumber.get(n) || []).map((f) => {
      if (f.wire !== 2) throw new Error(`field ${n} has wire type ${f.wire}`);
      return f.value;
    });
  }
  // Every value of a repeated varint field (an enum list), packed or not.
  uints(n) {
    const out = [];
    for (const f of this.byNumber.get(n) || []) {
      if (f.wire === 0) {
        out.push(f.value);
      } else if (f.wire === 2) {
        let at = 0;
        while (at < f.value.length) {
          let v = 0n;
          for (let shift = 0n; ; shift += 7n) {
            if (at >= f.value.length || shift >= 70n) throw new Error('truncated packed varint');
            const b = f.value[at++];
            v |= BigInt(b & 0x7f) << shift;
            if ((b & 0x80) === 0) break;
          }
          out.push(v);
        }
      } else {
        throw new Error(`field ${n} has wire type ${f.wire}`);
      }
    }
    return out;
  }
  messages(n) {
    return (this.byNumber.get(n) || []).map((f) => {
      if (f.wire !== 2) throw new Error(`field ${n} has wire type ${f.wire}`);
      return new Message(f.value);
    });
  }
}
