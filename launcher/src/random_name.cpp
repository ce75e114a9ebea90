#include <dc/launcher/random_name.hpp>

#include <dc/errors.hpp>

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dc::launcher {

std::string random_hex(std::size_t digits) {
    std::vector<unsigned char> bytes((digits + 1) / 2);
    std::size_t got = 0;
    while (got < bytes.size()) {
        const auto n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw error(std::string("getrandom failed: ") + std::strerror(errno));
        got += static_cast<std::size_t>(n);
    }
    std::string text;
    text.reserve(digits);
    for (std::size_t i = 0; i < digits; ++i) {
        const unsigned char b = bytes[i / 2];
        text += "0123456789abcdef"[i % 2 == 0 ? b >> 4 : b & 15];
    }
    return text;
}

} // namespace dc::launcher
