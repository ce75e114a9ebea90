#pragma once
// Compile-time checks and argument slots for one call site: remotecall(f, id, args...).

#include <dc/detail/invoker.hpp>
#include <dc/detail/signature.hpp>
#include <dc/future.hpp>

#include <string>
#include <type_traits>

namespace dc::detail {

template <class T> struct is_future : std::false_type {};
template <class T> struct is_future<future<T>> : std::true_type { using value_type = T; };

/// The parameter type deduced from an argument when the callable is a generic lambda.
template <class A> struct deduced_param {
    using type = std::conditional_t<std::is_same_v<A, const char*> || std::is_same_v<A, char*>,
                                    std::string, A>;
};
template <class U> struct deduced_param<future<U>> { using type = U; };

template <class P>
constexpr bool is_mutable_reference =
    std::is_lvalue_reference_v<P> && !std::is_const_v<std::remove_reference_t<P>>;

template <class P> constexpr bool check_parameter() {
    static_assert(!is_mutable_reference<P>,
                  "dc: a function called remotely cannot take a non-const reference parameter: its "
                  "arguments are copied to another process. Take it by value or const reference.");
    static_assert(!std::is_pointer_v<std::remove_cvref_t<P>>,
                  "dc: a function called remotely cannot take a raw pointer parameter: the pointee "
                  "is not sent to the other process. Pass the value or a std::vector instead.");
    return true;
}

/// The slot that carries argument A (decayed) to parameter P (decayed).
template <class P, class A> struct slot_for { using type = value_slot<P>; };
template <class P, class U>
requires(!is_future<P>::value) struct slot_for<P, future<U>> {
    using type = future_slot<U, P>;
};

template <class Sig, bool = Sig::known> struct declared_params { using type = void; };
template <class Sig> struct declared_params<Sig, true> { using type = typename Sig::params; };

template <class F, class Params, class... A> struct invoker_for;
template <class F, class... P, class... A> struct invoker_for<F, type_list<P...>, A...> {
    using type =
        invoker<F, typename slot_for<std::remove_cvref_t<P>, std::remove_cvref_t<A>>::type...>;
};

template <class F, class... A> struct call_plan {
    static constexpr bool plain_function =
        std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>;
    static constexpr bool stateless_object =
        std::is_class_v<F> && std::is_empty_v<F> && std::is_default_constructible_v<F>;
    static_assert(plain_function || stateless_object,
                  "dc: a remote call takes a plain function or a capture-less lambda; pass what "
                  "the lambda would capture as arguments instead.");

    using sig = signature<F>;
    static constexpr bool arity_ok = [] {
        if constexpr (sig::known) return sig::params::size == sizeof...(A);
        return true;
    }();
    static_assert(arity_ok, "dc: wrong number of arguments for the function called remotely.");

    template <class L> struct checked_params;
    template <class... P> struct checked_params<type_list<P...>> {
        static constexpr bool ok = (check_parameter<P>() && ...);
        using type = type_list<P...>;
    };
    using params = typename checked_params<std::conditional_t<
        sig::known && arity_ok, typename declared_params<sig>::type,
        type_list<typename deduced_param<std::remove_cvref_t<A>>::type...>>>::type;
    static_assert(checked_params<params>::ok);

    using invoker_type = typename invoker_for<F, params, A...>::type;
    static_assert(invoker_type::callable,
                  "dc: the function called remotely cannot be called with these arguments.");
    using result = typename invoker_type::result;
    static_assert(!std::is_pointer_v<result>,
                  "dc: a function called remotely cannot return a raw pointer: the pointee stays "
                  "behind. Return the value instead.");
};

} // namespace dc::detail
