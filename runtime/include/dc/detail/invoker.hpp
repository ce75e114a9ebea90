#pragma once
// How one call site's arguments are encoded and how the receiver decodes them and calls.
//
// invoker<F, Slots...> is instantiated by the call site; its static `key` registers `call` in
// every process of the binary at start-up, which is what makes registration macros unnecessary.

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/function_id.hpp>
#include <dc/future.hpp>

#include <cereal/archives/binary.hpp>

#include <functional>
#include <istream>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace dc::detail {

/// An argument passed as a value of the parameter type P.
template <class P> struct value_slot {
    using param = P;
    template <class A> static void encode(cereal::BinaryOutputArchive& ar, A&& a) {
        if constexpr (std::is_same_v<std::remove_cvref_t<A>, P>) {
            ar(a);
        } else {
            ar(P(std::forward<A>(a)));
        }
    }
    static P decode(cereal::BinaryInputArchive& ar) {
        P p = empty_value<P>();
        ar(p);
        return p;
    }
};

/// A future<U> passed where the function takes a P: the receiver resolves it (without moving
/// data when it owns the value).
template <class U, class P> struct future_slot {
    using param = P;
    static void encode(cereal::BinaryOutputArchive& ar, const future<U>& f) { ar(f); }
    static P decode(cereal::BinaryInputArchive& ar) {
        future<U> f;
        ar(f);
        return P(f.fetch());
    }
};

template <class F> F make_callable(const function_id& id) {
    if constexpr (std::is_pointer_v<F>) {
        return reinterpret_cast<F>(const_cast<void*>(resolve_function({id.image, id.offset})));
    } else {
        return F{};
    }
}

template <class F, class... S> struct invoker {
    static constexpr bool callable = std::is_invocable_v<F, typename S::param...>;
    using raw_result =
        typename std::conditional_t<callable, std::invoke_result<F, typename S::param...>,
                                    std::type_identity<void>>::type;
    using result = std::remove_cvref_t<raw_result>;

    template <class... A> static void encode(cereal::BinaryOutputArchive& ar, A&&... args) {
        (S::encode(ar, std::forward<A>(args)), ...);
    }

    static void call(const function_id& id, std::span<const char> args, bytes& out) {
        span_source src(args);
        std::istream is(&src);
        cereal::BinaryInputArchive ar(is);
        std::tuple<typename S::param...> values{S::decode(ar)...};
        F fn = make_callable<F>(id);
        if constexpr (std::is_void_v<result>) {
            std::apply(fn, std::move(values));
        } else {
            encode_into(out, static_cast<const result&>(std::apply(fn, std::move(values))));
        }
    }

    static inline const std::uint64_t key =
        register_invoker(typeid(invoker).name(), &call, typeid(F).name());
};

} // namespace dc::detail
