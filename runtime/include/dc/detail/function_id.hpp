#pragma once
// Naming code across processes that run the same binary, without registration.
//
// A capture-less lambda is named by its invoker (the receiver default-constructs it); a plain
// function is named by its invoker plus its offset inside its loaded image, which is the same in
// every process of one build even though ASLR moves the image. The handshake compares build ids.

#include <cstdint>
#include <dc/detail/bytes.hpp>
#include <span>

#include <vector>

namespace dc::detail {

/// What the receiver needs to find the code of a call.
struct function_id {
    std::uint64_t invoker = 0; ///< key of the invoker (decoder + caller) instantiation
    std::uint64_t image = 0;   ///< 0 for function objects; image key for function pointers
    std::uint64_t offset = 0;  ///< offset of the function from its image's load address

    template <class A> void serialize(A& ar) { ar(invoker, image, offset); }
};

/// Runs a call: decodes args, calls the function, appends the encoded result to `result`.
using invoke_fn = void (*)(const function_id& id, std::span<const char> args, bytes& result);

/// Adds an invoker under the hash of its mangled type name; returns the key. Start-up only.
/// `callee_type` is the mangled type name of the function object it calls (for error texts).
std::uint64_t register_invoker(const char* mangled_name, invoke_fn fn,
                               const char* callee_type = nullptr);
/// The callee type given when `key` was registered, or nullptr.
const char* invoker_callee_type(std::uint64_t key) noexcept;
/// The invoker for `key`, or nullptr if this binary has none.
invoke_fn find_invoker(std::uint64_t key) noexcept;

struct code_location {
    std::uint64_t image = 0;
    std::uint64_t offset = 0;
};
/// Where a function of this process lives (image key and offset). Throws dc::error if the
/// address belongs to no loaded image.
code_location locate_function(const void* fn);
/// The address of the function at `where` in this process. Throws dc::error for unknown images.
const void* resolve_function(code_location where);

} // namespace dc::detail
