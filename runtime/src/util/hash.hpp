#pragma once

#include <cstdint>
#include <string_view>

namespace dc::detail {

/// 64-bit FNV-1a: stable across processes and builds (std::hash is not required to be).
constexpr std::uint64_t fnv1a(std::string_view s) noexcept {
    std::uint64_t h = 14695981039346656037ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

} // namespace dc::detail
