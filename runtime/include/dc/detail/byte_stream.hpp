#pragma once
// cereal binary archives over plain byte vectors, without iostream buffers in between.

#include <cereal/archives/binary.hpp>

#include <cstdint>
#include <cstring>
#include <dc/detail/bytes.hpp>
#include <istream>
#include <ostream>
#include <span>
#include <streambuf>
#include <type_traits>

#include <vector>

namespace dc::detail {

/// Appends everything written to a byte vector.
class vector_sink : public std::streambuf {
public:
    explicit vector_sink(bytes& out) : out_(out) {}

protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        out_.insert(out_.end(), s, s + n);
        return n;
    }
    int_type overflow(int_type c) override {
        if (c != traits_type::eof()) out_.push_back(static_cast<char>(c));
        return c;
    }

private:
    bytes& out_;
};

/// Reads from a byte span in place.
class span_source : public std::streambuf {
public:
    explicit span_source(std::span<const char> in) {
        char* p = const_cast<char*>(in.data()); // get area is never written through
        setg(p, p, p + in.size());
    }
};

/// Tag for handle types (channels, arrays) whose default constructor would create something:
/// decoding constructs them empty with this tag instead.
struct for_loading_t {};
inline constexpr for_loading_t for_loading{};

/// A value of T to decode into.
template <class T> T empty_value() {
    if constexpr (std::is_constructible_v<T, for_loading_t>) {
        return T(for_loading);
    } else {
        return T{};
    }
}

/// Serializes values one after another into `out` (appending).
template <class... T> void encode_into(bytes& out, const T&... values) {
    vector_sink sink(out);
    std::ostream os(&sink);
    cereal::BinaryOutputArchive ar(os);
    ar(values...);
}

template <class T> struct is_raw_vector : std::false_type {};
template <class U, class A>
struct is_raw_vector<std::vector<U, A>> : std::bool_constant<std::is_arithmetic_v<U>> {};

/// Deserializes one value of type T from the start of `in`.
template <class T> T decode_as(std::span<const char> in) {
    if constexpr (is_raw_vector<T>::value) {
        // cereal's layout for these is <u64 count><raw elements>; building the vector from the
        // range copies once, where cereal would zero-fill it first and then copy.
        using element = typename T::value_type;
        std::uint64_t count = 0;
        if (in.size() < sizeof count) throw cereal::Exception("truncated vector");
        std::memcpy(&count, in.data(), sizeof count);
        if (count > (in.size() - sizeof count) / sizeof(element)) {
            throw cereal::Exception("truncated vector");
        }
        const auto* first = reinterpret_cast<const element*>(in.data() + sizeof count);
        return T(first, first + count);
    }
    span_source src(in);
    std::istream is(&src);
    cereal::BinaryInputArchive ar(is);
    T value = empty_value<T>();
    ar(value);
    return value;
}

} // namespace dc::detail
