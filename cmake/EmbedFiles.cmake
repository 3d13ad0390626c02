# cmake -DOUTPUT=FILE.cc -DBASE=DIR -DFILES=a;b;c -P EmbedFiles.cmake
#
# Writes a C++ source defining creg::http::ExplorerFiles()
# (node/http/explorer_files.h): each of FILES, a path relative to BASE, as
# "/<path>" and its bytes. Run at build time by web/CMakeLists.txt whenever a
# file changes, so the explorer's pages are compiled into cregd.
set(body "// Generated from web/ by cmake/EmbedFiles.cmake; do not edit.\n")
string(APPEND body "#include \"node/http/explorer_files.h\"\n\nnamespace creg::http {\nnamespace {\n\n")
set(table "")
set(i 0)
foreach(file IN LISTS FILES)
  file(READ "${BASE}/${file}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # 24 bytes a line, so the generated file stays readable.
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n  " bytes "${bytes}")
  # A trailing zero keeps the array non-empty for an empty file.
  string(APPEND body "const unsigned char kFile${i}[] = {\n  ${bytes}0x00};\n\n")
  string(APPEND table "    {\"/${file}\", {reinterpret_cast<const char*>(kFile${i}), ${size}}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "const EmbeddedFile kFiles[] = {\n${table}};\n\n}  // namespace\n\n")
string(APPEND body "std::span<const EmbeddedFile> ExplorerFiles() { return kFiles; }\n\n")
string(APPEND body "}  // namespace creg::http\n")
# Only rewrite when something changed, so an unchanged page rebuilds nothing.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${body}")
