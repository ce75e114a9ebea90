#include "util/demangle.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace dc::detail {

std::string demangle(const char* mangled) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> text(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    return status == 0 && text ? std::string(text.get()) : std::string(mangled);
}

std::string current_exception_type() {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return type ? demangle(type->name()) : "unknown";
}

} // namespace dc::detail
