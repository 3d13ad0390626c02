# creg_target_options(<target>): the warnings and sanitizer flags every creg
# target gets. Set per target, never globally, so generated code and third
# party headers are not held to them.
function(creg_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror=unused-result)
  if(CREG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  creg_sanitize(${target})
endfunction()

# creg_sanitize(<target>): ASan+UBSan when CREG_SANITIZE is on. Applied to
# every target we build, including generated protobuf code, so that all of
# one program is instrumented alike.
function(creg_sanitize target)
  if(CREG_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
