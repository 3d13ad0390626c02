// Checks a retirement certificate (docs/audit.md, "The certificate format")
// in the browser: a port of what `creg-audit verify-cert` checks, with the
// same check names, in the same order. It makes no request: everything it
// needs is in the certificate and the verifier key.
//
// Not checked here (creg-audit does): that entries are in canonical
// protobuf form and pass the transaction rules' MALFORMED checks.
import {ed25519Verify, equal, fromBase64, toHex, utf8} from './bytes.js';
import {CheckError} from './check_error.js';
import {leafHash, verifyInclusion} from './merkle.js';
import {verifyCheckpoint} from './note.js';
import {Message} from './protobuf.js';

export const FORMAT = 'creg-retirement-certificate/1';
const SIGNING_PREFIX = utf8('creg-transaction/v1\n');
const REASONS = ['RETIREMENT_REASON_UNSPECIFIED', 'VOLUNTARY_EVENT_OFFSET',
  'VOLUNTARY_CORPORATE_INVENTORY', 'VOLUNTARY_PRODUCT_OR_SERVICE', 'VOLUNTARY_INDIVIDUAL',
  'COMPLIANCE', 'OTHER'];
// The names creg gives Article 6 values (docs/rules.md, "Article 6").
const CREDIT_USES = ['voluntary', 'ndc', 'oimp'];
const AUTHORIZED_USES = ['unspecified', 'ndc', 'oimp', 'other-international'];
const FIRST_TRANSFERS = ['unspecified', 'authorization', 'issuance', 'use-or-cancellation'];
const ADJUSTMENTS = ['not-required', 'pending', 'applied'];
const nameOf = (names, n) => names[Number(n)] || 'unspecified';

// The checks in order (docs/audit.md, "The checks, in order").
export const CHECKS = ['document', 'format', 'checkpoint', 'origin', 'inclusion', 'entry',
  'accounts', 'signature', 'issuances', 'projects', 'summary'];

const fail = (check, code, params) => {
  throw new CheckError(check, code, params);
};

// ---- document: the exact shape, types and base64 ----

const isUint = (v) => Number.isSafeInteger(v) && v >= 0;
const EVIDENCE = {entry_index: 'uint', entry: 'base64', inclusion_proof: 'proof'};
const SUMMARY = {retirement_id: 'string', account: 'string', beneficiary: 'string',
  purpose: 'string', reason: 'string', details: 'string', country_of_use: 'string',
  claim_reference: 'string', quantity: 'uint', serials: 'strings', project_id: 'string',
  retired_at: 'string', labels: 'labelled', use: 'string', using_entity: 'string',
  article6: 'authorised'};
// Members that may be absent, and what their absence means: "labels" when no
// retired credit carries one, "use" for a voluntary use, "using_entity" when
// none is named, "article6" when no retired credit is authorised.
const OPTIONAL = {labels: [], use: 'voluntary', using_entity: '', article6: []};
const LABELLED = {serials: 'string', labels: 'strings'};
const AUTHORISED = {serials: 'string', party: 'string', reference: 'string', date: 'string',
  uses: 'strings', first_transfer: 'string', adjustment: 'string',
  adjustment_reference: 'string', first_transfer_entry: 'uint'};
const TOP = {format: 'string', origin: 'string', entry_index: 'uint', entry: 'base64',
  inclusion_proof: 'proof', checkpoint: 'string', accounts: 'evidence', issuances: 'evidence',
  projects: 'evidence', retirement: 'summary'};

function shape(value, fieldsOf, where) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('document', 'document.type', {field: where || '(the document)'});
  }
  for (const name of Object.keys(value)) {
    if (!(name in fieldsOf)) fail('document', 'document.unknown', {field: where + name});
  }
  const out = {};
  for (const [name, type] of Object.entries(fieldsOf)) {
    const field = where + name;
    if (!(name in value)) {
      if (name in OPTIONAL) continue;
      fail('document', 'document.missing', {field});
    }
    const v = value[name];
    const wrong = () => fail('document', 'document.type', {field});
    if (type === 'string') {
      if (typeof v !== 'string') wrong();
      out[name] = v;
    } else if (type === 'uint') {
      if (!isUint(v)) wrong();
      out[name] = v;
    } else if (type === 'strings') {
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) wrong();
      out[name] = v;
    } else if (type === 'base64') {
      out[name] = fromBase64(v);
      if (out[name] === null) fail('document', 'document.base64', {field});
    } else if (type === 'proof') {
      if (!Array.isArray(v)) wrong();
      out[name] = v.map((h, i) => {
        const bytes = fromBase64(h);
        if (bytes === null || bytes.length !== 32) {
          fail('document', 'document.base64', {field: `${field}[${i}]`});
        }
        return bytes;
      });
    } else if (type === 'evidence') {
      if (!Array.isArray(v)) wrong();
      out[name] = v.map((e, i) => shape(e, EVIDENCE, `${field}[${i}].`));
    } else if (type === 'labelled') {
      if (!Array.isArray(v)) wrong();
      out[name] = v.map((r, i) => shape(r, LABELLED, `${field}[${i}].`));
    } else if (type === 'authorised') {
      if (!Array.isArray(v)) wrong();
      out[name] = v.map((r, i) => shape(r, AUTHORISED, `${field}[${i}].`));
    } else if (type === 'summary') {
      out[name] = shape(v, SUMMARY, field + '.');
    }
  }
  return out;
}

export function parseDocument(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail('document', 'document.json', {detail: String(e.message || e)});
  }
  return shape(json, TOP, '');
}

// ---- entries ----

// A stored LogEntry and its transaction, decoded for the checks.
function decodeEntry(check, bytes, index) {
  try {
    const entry = new Message(bytes);
    const signed = new Message(entry.bytes(4));
    const bodyBytes = signed.bytes(1);
    const body = new Message(bodyBytes);
    const effects = entry.message(5) || new Message(new Uint8Array());
    const decoded = {
      index: entry.uint(1),
      micros: entry.int64(2),
      signer: signed.string(2),
      signature: signed.bytes(3),
      // Keyed signatures (SignedTransaction.signatures, multi-signature
      // accounts): {key, signature} each.
      keyed: signed.messages(4).map((s) => ({key: s.bytes(1), signature: s.bytes(2)})),
      bodyBytes,
      origin: body.string(1),
      body,
      effects,
    };
    if (decoded.index !== BigInt(index)) {
      fail(check, 'entry.index', {index, found: String(decoded.index)});
    }
    return decoded;
  } catch (e) {
    if (e instanceof CheckError) throw e;
    return fail(check, 'entry.malformed', {index, detail: String(e.message || e)});
  }
}

async function proveIncluded(check, index, bytes, proof, checkpoint) {
  const ok = await verifyInclusion(index, checkpoint.size, await leafHash(bytes), proof,
                                   checkpoint.root);
  if (!ok) fail(check, 'inclusion', {index, size: checkpoint.size});
}

const signedBy = (key, entry) =>
  ed25519Verify(key, entry.signature, new Uint8Array([...SIGNING_PREFIX, ...entry.bodyBytes]));

// Whether entry `e` is signed for an account holding `keys` ({keys,
// threshold}; docs/rules.md, "Multi-signature accounts"): the single
// signature by its one key, or keyed signatures by at least `threshold`
// distinct keys of the account, each verifying.
async function signedFor(keys, e) {
  if (e.keyed.length === 0) return keys.keys.length === 1 && signedBy(keys.keys[0], e);
  const message = new Uint8Array([...SIGNING_PREFIX, ...e.bodyBytes]);
  const seen = new Set();
  for (const s of e.keyed) {
    if (seen.has(toHex(s.key)) || !keys.keys.some((k) => equal(k, s.key))) return false;
    seen.add(toHex(s.key));
    if (!(await ed25519Verify(s.key, s.signature, message))) return false;
  }
  return seen.size >= keys.threshold;
}

// A key set an entry gives an account: 1 to 10 keys of 32 bytes, none
// twice, a threshold from 1 to their number; null otherwise.
function keySet(keys, threshold) {
  const distinct = new Set(keys.map(toHex)).size === keys.length;
  const sized = keys.every((k) => k.length === 32);
  if (keys.length < 1 || keys.length > 10 || !distinct || !sized) return null;
  if (threshold < 1 || threshold > keys.length) return null;
  return {keys, threshold};
}

function rfc3339Micros(micros) {
  const seconds = micros >= 0n ? micros / 1000000n : -((-micros + 999999n) / 1000000n);
  const fraction = micros - seconds * 1000000n;
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${iso}.${String(fraction).padStart(6, '0')}Z`;
}

// ---- the whole check ----

// Verifies certificate `text` against `key` (note.js parseVerifierKey).
// Resolves to the facts it proves; rejects with a CheckError naming the
// first check that failed.
export async function verifyCertificate(text, key) {
  const doc = parseDocument(text);
  if (doc.format !== FORMAT) fail('format', 'format', {found: doc.format});
  const checkpoint = await verifyCheckpoint(doc.checkpoint, key);
  if (checkpoint.origin !== doc.origin) {
    fail('origin', 'origin', {found: checkpoint.origin, expected: doc.origin});
  }
  await proveIncluded('inclusion', doc.entry_index, doc.entry, doc.inclusion_proof, checkpoint);

  // entry: a retirement of this registry, recorded as R<index>.
  const index = doc.entry_index;
  const entry = decodeEntry('entry', doc.entry, index);
  const retire = entry.body.message(16);
  if (retire === null) fail('entry', 'entry.notRetirement', {index});
  if (entry.origin !== doc.origin) fail('entry', 'entry.origin', {index, found: entry.origin});
  const retirementId = entry.effects.string(4);
  if (retirementId !== 'R' + index) fail('entry', 'entry.id', {index, found: retirementId});
  const blocks = entry.effects.messages(3).map((b) => ({
    batch: b.uint(1), first: b.uint(2), last: b.uint(3)}));
  let sum = 0n;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const prev = blocks[i - 1];
    if (b.first < 1n || b.last < b.first ||
        (prev && (b.batch < prev.batch || (b.batch === prev.batch && b.first <= prev.last)))) {
      fail('entry', 'entry.blocks', {index});
    }
    sum += b.last - b.first + 1n;
  }
  const quantity = entry.effects.uint(5);
  if (blocks.length === 0 || sum !== quantity) fail('entry', 'entry.blocks', {index});
  const account = retire.string(1);

  // accounts: the open_account entry, then each rotate_key or
  // set_account_keys, proven and in order.
  let holderKeys = null;
  let rotations = 0;
  let openedAt = null;
  let previous = -1;
  for (const [i, evidence] of doc.accounts.entries()) {
    const at = evidence.entry_index;
    await proveIncluded('accounts', at, evidence.entry, evidence.inclusion_proof, checkpoint);
    if (at >= index || at <= previous) fail('accounts', 'accounts.order', {index: at});
    previous = at;
    const e = decodeEntry('accounts', evidence.entry, at);
    if (i === 0) {
      const open = e.body.message(10);
      if (open === null || open.string(1) !== account) {
        fail('accounts', 'accounts.open', {index: at, account});
      }
      const keys = [open.bytes(3), ...open.bytesAll(5)];
      const threshold = Number(open.uint(6)) || (keys.length === 1 ? 1 : 0);
      holderKeys = keySet(keys, threshold);
      openedAt = at;
    } else {
      const rotate = e.body.message(12);
      const setKeys = e.body.message(21);
      const change = rotate || setKeys;
      if (change === null || change.string(1) !== account || e.signer !== account) {
        fail('accounts', 'accounts.rotation', {index: at, account});
      }
      if (!(await signedFor(holderKeys, e))) {
        fail('accounts', 'accounts.rotationSignature', {index: at});
      }
      holderKeys = rotate !== null ? keySet([rotate.bytes(2)], 1) :
                                     keySet(setKeys.bytesAll(2), Number(setKeys.uint(3)));
      rotations++;
    }
    if (holderKeys === null) fail('accounts', 'accounts.key', {index: at});
  }
  if (holderKeys === null) fail('accounts', 'accounts.open', {index, account});

  // signature: the holder, not the node, signed the retirement.
  if (entry.signer !== account || !(await signedFor(holderKeys, entry))) {
    fail('signature', 'signature', {account});
  }

  // issuances: exactly one issue entry per retired batch.
  const batches = new Map();
  for (const evidence of doc.issuances) {
    const at = evidence.entry_index;
    await proveIncluded('issuances', at, evidence.entry, evidence.inclusion_proof, checkpoint);
    const e = decodeEntry('issuances', evidence.entry, at);
    const issue = e.body.message(14);
    if (issue === null || at >= index) fail('issuances', 'issuances.notIssue', {index: at});
    const batch = e.effects.uint(2);
    if (batches.has(batch)) fail('issuances', 'issuances.duplicate', {batch: String(batch)});
    const issued = issue.uint(4);
    batches.set(batch, {at, issued, project: issue.string(1), start: issue.string(2),
      end: issue.string(3), retired: 0n});
  }
  for (const b of blocks) {
    const batch = batches.get(b.batch);
    if (!batch || b.last > batch.issued) fail('issuances', 'issuances.missing', {batch: String(b.batch)});
    batch.retired += b.last - b.first + 1n;
  }
  for (const [batch, info] of batches) {
    if (info.retired === 0n) fail('issuances', 'issuances.extra', {batch: String(batch)});
  }

  // projects: exactly one registration per project of those batches.
  const projects = new Map();
  for (const evidence of doc.projects) {
    const at = evidence.entry_index;
    await proveIncluded('projects', at, evidence.entry, evidence.inclusion_proof, checkpoint);
    const e = decodeEntry('projects', evidence.entry, at);
    const reg = e.body.message(13);
    if (reg === null) fail('projects', 'projects.notRegistration', {index: at});
    const id = reg.string(1);
    if (projects.has(id)) fail('projects', 'projects.duplicate', {project: id});
    projects.set(id, {at, name: reg.string(2), standard: reg.string(3),
      methodology: reg.string(4), country: reg.string(5)});
  }
  for (const info of batches.values()) {
    const p = projects.get(info.project);
    if (!p || p.at >= info.at) fail('projects', 'projects.missing', {project: info.project});
  }
  if (projects.size !== new Set([...batches.values()].map((b) => b.project)).size) {
    fail('projects', 'projects.extra', {});
  }

  // summary: every readable field is what the entries say.
  const compact = (date) => date.replaceAll('-', '');
  const serialString = (b) => {
    const batch = batches.get(b.batch);
    const p = projects.get(batch.project);
    return `${b.batch}-${b.first}-${b.last}-CREG-${p.standard.replaceAll('-', '_')}-${p.country}-` +
      `${batch.project}-${compact(batch.start)}-${compact(batch.end)}`;
  };
  const serials = blocks.map(serialString);
  // The runs of Effects.attributed, each inside a retired block: the
  // labelled ones, and those with an Article 6 authorisation.
  const labelled = [];
  const authorised = [];
  for (const run of entry.effects.messages(6)) {
    const m = run.message(1) || new Message(new Uint8Array());
    const b = {batch: m.uint(1), first: m.uint(2), last: m.uint(3)};
    const attributes = run.message(2) || new Message(new Uint8Array());
    const labels = attributes.bytesAll(1).map((l) => new TextDecoder().decode(l));
    const authorization = attributes.message(2);
    if ((labels.length === 0 && authorization === null) || !blocks.some((r) =>
      r.batch === b.batch && r.first <= b.first && b.first <= b.last && b.last <= r.last)) {
      fail('entry', 'entry.blocks', {index});
    }
    if (labels.length > 0) labelled.push({serials: serialString(b), labels});
    if (authorization !== null) {
      authorised.push({serials: serialString(b), party: authorization.string(1),
        reference: authorization.string(2), date: authorization.string(3),
        uses: authorization.uints(4).map((u) => nameOf(AUTHORIZED_USES, u)),
        first_transfer: nameOf(FIRST_TRANSFERS, authorization.uint(5)),
        adjustment: nameOf(ADJUSTMENTS, attributes.uint(3)),
        adjustment_reference: attributes.string(4),
        first_transfer_entry: Number(attributes.uint(5))});
    }
  }
  const reasonNumber = Number(retire.uint(4));
  const reason = REASONS[reasonNumber] || String(reasonNumber);
  const details = retire.string(5);
  const expected = {
    retirement_id: retirementId, account, beneficiary: retire.string(3),
    purpose: details ? `${reason}: ${details}` : reason, reason, details,
    country_of_use: retire.string(6), claim_reference: retire.string(7),
    quantity: Number(quantity), serials,
    project_id: [...new Set(blocks.map((b) => batches.get(b.batch).project))].join(','),
    retired_at: rfc3339Micros(entry.micros),
    labels: labelled,
    use: nameOf(CREDIT_USES, retire.uint(8)),
    using_entity: retire.string(9),
    article6: authorised,
  };
  for (const [field, value] of Object.entries(expected)) {
    const found = field in OPTIONAL && !(field in doc.retirement) ? OPTIONAL[field] :
      doc.retirement[field];
    if (JSON.stringify(found) !== JSON.stringify(value)) {
      fail('summary', 'summary', {field: 'retirement.' + field, expected: JSON.stringify(value),
        found: JSON.stringify(found), index});
    }
  }

  return {
    ...expected,
    origin: doc.origin,
    entry_index: index,
    checkpoint_size: checkpoint.size,
    checkpoint_root: checkpoint.root,
    key_name: key.name,
    account_opened_at: openedAt,
    key_rotations: rotations,
    batches: blocks.map((b) => {
      const batch = batches.get(b.batch);
      return {batch: Number(b.batch), first: Number(b.first), last: Number(b.last),
        project: batch.project, project_name: projects.get(batch.project).name,
        vintage_start: batch.start, vintage_end: batch.end, issued_at: batch.at};
    }),
  };
}
