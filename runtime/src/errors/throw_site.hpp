#pragma once
// The stack where the last exception of a call was thrown, for dc::remote_exception::stacktrace.
// dc wraps the C++ runtime's __cxa_throw: while a thread runs a call, each throw records its
// frames' addresses (a few microseconds); names are looked up only when the error is sent.

#include <string>

namespace dc::detail {

/// Turns recording on or off for this thread (on while it runs a call); returns the old state.
bool record_throw_sites(bool on) noexcept;
/// Records the current stack if this thread records throw sites (called by the wrapper).
void remember_throw_site() noexcept;
/// The last recorded throw site of this thread, a frame a line ("" if none was recorded).
std::string last_throw_site();
/// The demangled name of the function at `address` ("" if unknown).
std::string function_name_at(const void* address);

} // namespace dc::detail
