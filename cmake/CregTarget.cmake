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

# creg_sanitize(<target>): the sanitizers CREG_SANITIZE names (see the top
# CMakeLists.txt). Applied to every target we build, including generated
# protobuf code, so that all of one program is instrumented alike.
function(creg_sanitize target)
  if(CREG_SANITIZE STREQUAL "thread")
    # GCC warns that TSan does not model std::atomic_thread_fence (Asio's
    # handlers use one); Asio hands handlers between threads through
    # mutex-guarded queues, which TSan does see.
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer
                                             $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  elseif(CREG_SANITIZE)
    # Clang 14 cannot emit -fsanitize=function's prologue for a coroutine
    # ("Cannot represent a difference across sections"), and Asio's
    # handlers are coroutines; GCC has no such check. tests/fuzz turns it
    # back on for the code the fuzzers reach.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined
                                             $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
    # Position-dependent programs: an instrumented program is large (creg's
    # is about 130 MB), and as a PIE the loader applies its relative
    # relocations at every start, about a third of the start-up time of each
    # of the thousands of processes the CLI tests run.
    target_link_options(${target} PRIVATE -fsanitize=address,undefined -no-pie)
    # GCC defines __SANITIZE_ADDRESS__ under ASan, and the tests that bound
    # memory or time read it to skip; clang 14 does not, so say so.
    target_compile_definitions(${target} PRIVATE
                               $<$<CXX_COMPILER_ID:Clang>:__SANITIZE_ADDRESS__=1>)
  endif()
endfunction()

# creg_fast_allocator(<program>): links a long-running program with tcmalloc
# when CREG_TCMALLOC found it (see the top CMakeLists.txt).
function(creg_fast_allocator target)
  if(TARGET PkgConfig::TCMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::TCMALLOC)
  endif()
endfunction()
