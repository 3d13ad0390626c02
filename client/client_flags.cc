#include "client/client_flags.h"

namespace creg {

CLI::Option* AddClientFlags(CLI::App& app, ClientOptions& options) {
  return app
      .add_option("--tls-ca", options.tls_ca_file,
                  "connect with TLS, trusting the certificates in FILE; default plain TCP")
      ->envname("CREG_TLS_CA")
      ->type_name("FILE");
}

}  // namespace creg
