#pragma once
// The byte buffer of messages and encoded values. Its allocator leaves new elements
// uninitialized: buffers are always written before they are read, and zero-filling the
// receive buffer (or a 64 MiB frame) would cost more than the network copy itself.

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace dc::detail {

template <class T> struct uninitialized_allocator : std::allocator<T> {
    using std::allocator<T>::allocator;
    template <class U> struct rebind { using other = uninitialized_allocator<U>; };
    template <class U> void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U; // default-, not value-initialization
    }
    template <class U, class... A> void construct(U* p, A&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<A>(args)...);
    }
};

using bytes = std::vector<char, uninitialized_allocator<char>>;

} // namespace dc::detail
