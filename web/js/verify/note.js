// C2SP signed notes and tlog checkpoints, as docs/protocol.md ("Verifying a
// checkpoint") describes: the verifier key string, and a checkpoint checked
// against it.
import {ed25519Verify, equal, fromBase64, sha256, toHex, utf8} from './bytes.js';
import {CheckError} from './check_error.js';

// "<name>+<8 hex key id>+<base64(0x01 || 32-byte Ed25519 key)>" to
// {name, id, publicKey, text}; throws CheckError 'key'.
export async function parseVerifierKey(text) {
  const bad = (detail) => new CheckError('key', 'key.malformed', {detail});
  text = String(text).trim();
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw bad('expected <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  if (/[\s+]/.test(name)) throw bad('the key name has a space or +');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw bad('the key id is not 8 lower-case hex digits');
  const key = fromBase64(text.slice(second + 1));
  if (key === null) throw bad('the key is not base64');
  if (key.length !== 33 || key[0] !== 0x01) throw bad('not an Ed25519 key (0x01 and 32 bytes)');
  const publicKey = key.slice(1);
  const id = (await sha256(utf8(name), new Uint8Array([0x0a]), key)).slice(0, 4);
  if (toHex(id) !== idHex) throw bad('the key id does not match the key');
  return {name, id, publicKey, text};
}

// Verifies `note` (the checkpoint text) with `key` (parseVerifierKey) and
// returns {origin, size, root}; throws CheckError 'checkpoint'.
export async function verifyCheckpoint(note, key) {
  const bad = (code, params) => new CheckError('checkpoint', code, params);
  if (typeof note !== 'string') throw bad('checkpoint.malformed', {detail: 'not text'});
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw bad('checkpoint.malformed', {detail: 'no blank line before the signatures'});
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split('\n');
  if (lines.pop() !== '') throw bad('checkpoint.malformed', {detail: 'the last line does not end in a newline'});
  let signature = null;
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw bad('checkpoint.malformed', {detail: 'a signature line is malformed'});
    const decoded = fromBase64(m[2]);
    if (m[1] !== key.name || decoded === null || decoded.length < 4) continue;
    if (!equal(decoded.slice(0, 4), key.id)) continue;
    if (decoded.length !== 68) throw bad('checkpoint.malformed', {detail: 'the signature is not 64 bytes'});
    signature = decoded.slice(4);
  }
  if (signature === null) throw bad('checkpoint.noSignature', {key: key.name + '+' + toHex(key.id)});
  let ok;
  try {
    ok = await ed25519Verify(key.publicKey, signature, utf8(body));
  } catch (e) {
    throw bad('checkpoint.unsupported', {detail: String(e.message || e)});
  }
  if (!ok) throw bad('checkpoint.badSignature', {key: key.name});
  return parseCheckpointBody(body, bad);
}

// The body's origin, size and root, strictly (no signature check; for
// showing what a node serves).
export function parseCheckpointBody(body, bad = (code, params) => new CheckError('checkpoint', code, params)) {
  const lines = body.split('\n');
  if (lines.length < 4) throw bad('checkpoint.malformed', {detail: 'fewer than three lines'});
  const [origin, sizeText, rootText] = lines;
  if (origin === '') throw bad('checkpoint.malformed', {detail: 'empty origin'});
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw bad('checkpoint.malformed', {detail: 'bad tree size'});
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw bad('checkpoint.malformed', {detail: 'tree size too large'});
  const root = fromBase64(rootText);
  if (root === null || root.length !== 32) throw bad('checkpoint.malformed', {detail: 'the root is not 32 bytes of base64'});
  return {origin, size, root};
}
