#pragma once
// The per-process store of named values behind dc::sendto, getfrom, passobj and global_ref.
// Each value keeps how to send itself on (passobj moves values whose type only the store knows):
// the key of a call that stores a T, and how to encode the value as that call's arguments.

#include <dc/detail/byte_stream.hpp>
#include <dc/detail/function_id.hpp>

#include <any>
#include <cstdint>
#include <string>
#include <typeinfo>
#include <utility>

namespace dc::detail {

/// Encodes (name, value) as the arguments of the call `setter_key` names.
using global_encoder = void (*)(const std::string& name, const std::any& value, bytes& args);

/// Stores `value` under `name` (replacing what was there).
void store_global(const std::string& name, std::any value, std::uint64_t setter_key,
                  global_encoder encode);
/// The value stored under `name` as a T. Throws dc::missing_global (naming the name, this
/// process and what is stored there) when there is none or it is not a T.
void* find_global(const std::string& name, const std::type_info& wanted);
/// The call that stores `name`'s value elsewhere, with its encoded arguments. Throws
/// dc::missing_global.
std::pair<std::uint64_t, bytes> global_as_call(const std::string& name);
/// Forgets every named value of this process.
void clear_all_globals();

/// The call that stores a T under a name (decodes (name, value) and keeps it).
template <class T> struct global_setter {
    static void encode(const std::string& name, const std::any& value, bytes& args) {
        encode_into(args, name, std::any_cast<const T&>(value));
    }
    static void call(const function_id&, std::span<const char> args, bytes&) {
        span_source src(args);
        std::istream is(&src);
        cereal::BinaryInputArchive ar(is);
        std::string name;
        T value = empty_value<T>();
        ar(name, value);
        store_global(name, std::any(std::move(value)), key, &encode);
    }
    static inline const std::uint64_t key =
        register_invoker(typeid(global_setter).name(), &call, typeid(global_setter).name());
};

} // namespace dc::detail
