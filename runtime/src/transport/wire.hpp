#pragma once
// Fixed-layout fields at the head of hot-path messages (same binary on both sides, so native
// byte order and layout are safe; the handshake checks the build id).

#include <cstring>
#include <dc/detail/bytes.hpp>
#include <span>
#include <stdexcept>
#include <type_traits>

namespace dc::detail {

template <class T> void put(bytes& out, const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &value, sizeof(T));
}

/// Reads a T at `offset` and advances it. Throws std::out_of_range on a short message.
template <class T> T take(std::span<const char> in, std::size_t& offset) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in.size() < offset + sizeof(T)) throw std::out_of_range("message too short");
    T value;
    std::memcpy(&value, in.data() + offset, sizeof(T));
    offset += sizeof(T);
    return value;
}

} // namespace dc::detail
