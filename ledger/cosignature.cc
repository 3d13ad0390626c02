#include "ledger/cosignature.h"

#include "ledger/encoding.h"

namespace creg {
namespace {

constexpr size_t kTimeSize = 8;

Status InvalidName(const std::string& name) {
  return InvalidArgumentError("invalid witness key name \"" + name +
                              "\": it must be non-empty with no spaces and no '+'");
}

}  // namespace

std::string CosignedMessage(std::string_view checkpoint_body, uint64_t time) {
  std::string message = "cosignature/v1\ntime " + std::to_string(time) + "\n";
  message += checkpoint_body;
  return message;
}

// ---- Signer ----

StatusOr<CosignatureSigner> CosignatureSigner::Create(std::string name, PrivateKey key) {
  if (!IsValidNoteKeyName(name)) return InvalidName(name);
  const uint32_t id = NoteKeyId(name, key.public_key(), kNoteCosignatureType);
  return CosignatureSigner(std::move(name), std::move(key), id);
}

std::string CosignatureSigner::Cosign(std::string_view checkpoint_body, uint64_t time) const {
  std::string signed_bytes;
  AppendBigEndian64(&signed_bytes, time);
  signed_bytes += key_.Sign(CosignedMessage(checkpoint_body, time));
  return NoteSignatureLine(name_, key_id_, signed_bytes);
}

std::string CosignatureSigner::VerifierKey() const {
  return FormatVerifierKey(name_, kNoteCosignatureType, key_.public_key());
}

// ---- Verifier ----

StatusOr<CosignatureVerifier> CosignatureVerifier::FromVerifierKey(std::string_view vkey) {
  StatusOr<VerifierKeyParts> parts = ParseVerifierKey(vkey, kNoteCosignatureType);
  if (!parts.ok()) return parts.status().WithContext("witness key");
  return CosignatureVerifier(std::move(parts->name), std::move(parts->key), parts->key_id);
}

StatusOr<CosignatureVerifier> CosignatureVerifier::Create(std::string name, PublicKey key) {
  if (!IsValidNoteKeyName(name)) return InvalidName(name);
  const uint32_t id = NoteKeyId(name, key, kNoteCosignatureType);
  return CosignatureVerifier(std::move(name), std::move(key), id);
}

std::string CosignatureVerifier::VerifierKey() const {
  return FormatVerifierKey(name_, kNoteCosignatureType, key_);
}

StatusOr<uint64_t> CosignatureVerifier::Verify(std::string_view checkpoint_body,
                                               std::string_view signed_bytes) const {
  if (signed_bytes.size() != kTimeSize + PublicKey::kSignatureSize) {
    return DataLossError("cosignature from witness " + name_ + " is " +
                         std::to_string(signed_bytes.size()) + " bytes, not " +
                         std::to_string(kTimeSize + PublicKey::kSignatureSize));
  }
  const uint64_t time = ReadBigEndian64(signed_bytes);
  if (time > kMaxCosignatureTime) {
    return DataLossError("cosignature from witness " + name_ + " has a time over 2^63-1");
  }
  if (!key_.Verify(CosignedMessage(checkpoint_body, time), signed_bytes.substr(kTimeSize))) {
    return DataLossError("cosignature from witness " + name_ + " does not match the checkpoint");
  }
  return time;
}

Status CheckDistinctWitnesses(std::span<const CosignatureVerifier> verifiers) {
  for (size_t i = 0; i < verifiers.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const bool same_key = verifiers[i].key().raw() == verifiers[j].key().raw();
      const bool same_line = verifiers[i].name() == verifiers[j].name() &&
                             verifiers[i].key_id() == verifiers[j].key_id();
      if (same_key || same_line) {
        return InvalidArgumentError(
            "witness " + verifiers[i].name() + " is given twice (" +
            (same_key ? "the same public key as " : "the same name and key id as ") +
            verifiers[j].name() + "): each witness counts once towards a quorum");
      }
    }
  }
  return OkStatus();
}

StatusOr<VerifiedCosignatures> VerifyCosignatures(std::string_view note,
                                                  std::span<const CosignatureVerifier> verifiers) {
  CREG_RETURN_IF_ERROR(CheckDistinctWitnesses(verifiers));
  CREG_ASSIGN_OR_RETURN(OpenedNote opened, OpenNote(note));
  VerifiedCosignatures out;
  out.body = std::string(opened.text);
  for (size_t v = 0; v < verifiers.size(); ++v) {
    const CosignatureVerifier& verifier = verifiers[v];
    bool found = false;
    uint64_t latest = 0;
    for (const NoteSignature& sig : opened.signatures) {
      if (sig.name != verifier.name() || sig.key_id != verifier.key_id()) continue;
      CREG_ASSIGN_OR_RETURN(uint64_t time, verifier.Verify(opened.text, sig.signature));
      latest = found ? std::max(latest, time) : time;
      found = true;
    }
    if (found) out.cosignatures.push_back(Cosignature{v, latest});
  }
  return out;
}

}  // namespace creg
