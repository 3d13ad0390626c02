// RFC 9162 Merkle tree hashes and inclusion proofs (section 2.1.3.2).
import {equal, sha256} from './bytes.js';

export const leafHash = (entry) => sha256(new Uint8Array([0x00]), entry);
const nodeHash = (left, right) => sha256(new Uint8Array([0x01]), left, right);

// True if `proof` (32-byte hashes, leaf upwards) leads from `leaf` at
// `index` to `root` in a tree of `size` leaves.
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (!(index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}
