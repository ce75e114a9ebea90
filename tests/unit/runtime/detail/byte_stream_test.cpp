#include <dc/detail/byte_stream.hpp>
#include <dc/serialize.hpp>

#include <gtest/gtest.h>

using dc::detail::bytes;

TEST(byte_stream, values_round_trip_through_cereal) {
    bytes out;
    std::map<std::string, std::vector<int>> m{{"x", {1, 2, 3}}};
    dc::detail::encode_into(out, m);
    EXPECT_EQ(dc::detail::decode_as<decltype(m)>(out), m);
}

TEST(byte_stream, contiguous_arithmetic_data_is_raw_bytes) {
    std::vector<double> v(1000, 2.5);
    bytes out;
    dc::detail::encode_into(out, v);
    EXPECT_EQ(out.size(), sizeof(std::uint64_t) + v.size() * sizeof(double)); // size + raw data
}

TEST(byte_stream, truncated_input_throws_instead_of_reading_past_the_end) {
    bytes out;
    dc::detail::encode_into(out, std::string("hello world"));
    out.resize(out.size() - 3);
    EXPECT_THROW(dc::detail::decode_as<std::string>(out), cereal::Exception);
}
