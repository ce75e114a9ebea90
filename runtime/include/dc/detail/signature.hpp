#pragma once
// The parameter list of a callable, when it has exactly one (not a generic lambda).

#include <type_traits>

namespace dc::detail {

template <class... T> struct type_list { static constexpr std::size_t size = sizeof...(T); };

template <class F, class = void> struct signature { static constexpr bool known = false; };

#define DC_DETAIL_SIGNATURE(QUALIFIED)                                                             \
    template <class R, class... P> struct signature<QUALIFIED> {                                   \
        static constexpr bool known = true;                                                        \
        using params = type_list<P...>;                                                            \
    };
DC_DETAIL_SIGNATURE(R (*)(P...))
DC_DETAIL_SIGNATURE(R (*)(P...) noexcept)
#undef DC_DETAIL_SIGNATURE

// QUALIFIERS are cv/noexcept keywords, which cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DC_DETAIL_MEMBER_SIGNATURE(QUALIFIERS)                                                     \
    template <class C, class R, class... P> struct signature<R (C::*)(P...) QUALIFIERS> {          \
        static constexpr bool known = true;                                                        \
        using params = type_list<P...>;                                                            \
    };
DC_DETAIL_MEMBER_SIGNATURE()
DC_DETAIL_MEMBER_SIGNATURE(const)
DC_DETAIL_MEMBER_SIGNATURE(noexcept)
DC_DETAIL_MEMBER_SIGNATURE(const noexcept)
#undef DC_DETAIL_MEMBER_SIGNATURE
// NOLINTEND(bugprone-macro-parentheses)

template <class F>
struct signature<F, std::void_t<decltype(&F::operator())>> : signature<decltype(&F::operator())> {};

} // namespace dc::detail
