#pragma once
// A function object or plain function that can travel to another process of the same build:
// stateless objects are rebuilt there, plain functions are named by image and offset.
// Templates that receive one are instantiated at the call site, so the callee's loop calls the
// concrete type (inlined for lambdas).

#include <dc/detail/function_id.hpp>

#include <type_traits>
#include <typeinfo>

namespace dc::detail {

/// Tells the runtime which user function a call of dc's own templates runs (for the name in a
/// remote error): a function's address, or a function object's mangled type name.
void note_callee(const char* type_name, const void* address) noexcept;

template <class F> struct callable {
    static_assert((std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>) ||
                      (std::is_class_v<F> && std::is_empty_v<F> &&
                       std::is_default_constructible_v<F>),
                  "dc: pass a plain function or a capture-less lambda; pass what the lambda "
                  "would capture as data instead.");
    code_location where;

    static callable of(F f) {
        callable c;
        if constexpr (std::is_pointer_v<F>)
            c.where = locate_function(reinterpret_cast<const void*>(f));
        return c;
    }
    F get() const {
        if constexpr (std::is_pointer_v<F>) {
            const void* address = resolve_function(where);
            note_callee(nullptr, address);
            return reinterpret_cast<F>(const_cast<void*>(address));
        } else {
            note_callee(typeid(F).name(), nullptr);
            return F{};
        }
    }
    template <class A> void serialize(A& ar) { ar(where.image, where.offset); }
};

} // namespace dc::detail
