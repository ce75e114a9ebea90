#include <dc/launcher/output_lines.hpp>

#include <filesystem>
#include <fstream>

namespace dc::launcher {

std::string file_follower::read_new() {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path_, ec);
    if (ec) return {};
    seen_ = true;
    if (size <= offset_) return {};
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk(size - offset_, '\0');
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    offset_ += chunk.size();
    return chunk;
}

} // namespace dc::launcher
