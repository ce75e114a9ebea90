#pragma once
// dc::fn<f>: a plain function as a function object, so the loops of distributed_reduce,
// distributed_for and pmap call it directly (inlined) instead of through a pointer.
//
//   dc::distributed_reduce(std::plus<>{}, 0, n, dc::fn<heads>);   // as fast as a lambda
//   dc::distributed_reduce(std::plus<>{}, 0, n, heads);           // one indirect call per item

#include <utility>

namespace dc {

/// The function object type of dc::fn<F>: empty, so it travels as a type, like a lambda.
template <auto F> struct fn_t {
    template <class... A> decltype(auto) operator()(A&&... args) const {
        return F(std::forward<A>(args)...);
    }
};

/// `f` as a zero-cost function object: use it wherever dc takes a callable.
template <auto F> inline constexpr fn_t<F> fn{};

} // namespace dc
