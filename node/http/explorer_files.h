// The web explorer's static files (web/), compiled into the program: the
// build generates the definition of ExplorerFiles() from the files listed
// in web/CMakeLists.txt (cmake/EmbedFiles.cmake).
#pragma once

#include <span>
#include <string_view>

namespace creg::http {

struct EmbeddedFile {
  // The URL path it is served at: "/" and its path under web/, e.g.
  // "/index.html", "/js/app.js".
  std::string_view path;
  std::string_view bytes;
};

// Every file of web/, in the order web/CMakeLists.txt lists them. Static
// storage; never changes.
std::span<const EmbeddedFile> ExplorerFiles();

}  // namespace creg::http
