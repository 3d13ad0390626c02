#include "client/client_flags.h"

namespace creg {

ClientOptions ReadClientFlags(Args& args) {
  ClientOptions options;
  options.tls_ca_file = args.ValueOrEnv("--tls-ca", "CREG_TLS_CA", "");
  return options;
}

}  // namespace creg
