#pragma once

#include <string>

namespace dc::detail {

/// Human-readable name of a mangled C++ type name (the input when it cannot be demangled).
std::string demangle(const char* mangled);
/// The demangled type of the exception being handled (inside a catch block), or "unknown".
std::string current_exception_type();

} // namespace dc::detail
