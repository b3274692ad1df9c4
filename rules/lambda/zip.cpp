// Zip reading per PKWARE's APPNOTE: the end-of-central-directory record, then each central
// directory entry and its local header. Every entry is checked before anything is written, so a
// hostile archive leaves no file behind; data is inflated with zlib's raw inflate and checked
// against the CRC-32 and size the directory declares.
#include "rules/lambda/zip.hpp"

#include <fstream>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>
#include <zlib.h>

#include "common/aws_error.hpp"

namespace iotemu::lambda {
namespace {

constexpr std::uint32_t end_signature = 0x06054b50;
constexpr std::uint32_t central_signature = 0x02014b50;
constexpr std::uint32_t local_signature = 0x04034b50;
constexpr std::size_t end_size = 22;
constexpr std::size_t central_size = 46;
constexpr std::size_t local_size = 30;

[[noreturn]] void refuse(const std::string& why) {
    throw AwsError(aws_errors::invalid_parameter_value,
                   "Could not unzip uploaded file. Please check your file, then try to upload "
                   "again. (" +
                       why + ")");
}

// Little-endian reads with bounds checks: a truncated archive is refused, never overread.
class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    std::uint32_t u16(std::size_t at) const { return byte(at) | byte(at + 1) << 8; }
    std::uint32_t u32(std::size_t at) const { return u16(at) | u16(at + 2) << 16; }
    std::string_view slice(std::size_t at, std::size_t length) const {
        if (at > bytes_.size() || length > bytes_.size() - at) refuse("the archive is truncated");
        return bytes_.substr(at, length);
    }
    std::size_t size() const { return bytes_.size(); }

private:
    std::uint32_t byte(std::size_t at) const {
        if (at >= bytes_.size()) refuse("the archive is truncated");
        return static_cast<unsigned char>(bytes_[at]);
    }
    std::string_view bytes_;
};

struct Entry {
    std::string name;
    std::filesystem::path relative;  // checked: stays inside the directory
    bool directory = false;
    bool executable = false;
    std::uint32_t method = 0;
    std::uint32_t crc = 0;
    std::string_view data;   // compressed bytes
    std::uint32_t size = 0;  // uncompressed
};

// The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
std::size_t find_end_record(const Reader& reader) {
    if (reader.size() < end_size) refuse("not a zip archive");
    const std::size_t lowest =
        reader.size() > end_size + 0xffff ? reader.size() - end_size - 0xffff : 0;
    for (std::size_t at = reader.size() - end_size + 1; at-- > lowest;)
        if (reader.u32(at) == end_signature && at + end_size + reader.u16(at + 20) == reader.size())
            return at;
    refuse("no end of central directory record: not a zip archive, or truncated");
}

// A path relative to the extraction folder, or a refusal: absolute paths, drive letters,
// backslash tricks and `..` segments all escape it (zip slip).
std::filesystem::path safe_relative_path(const std::string& name) {
    if (name.empty()) refuse("an entry has an empty name");
    if (name.find('\0') != std::string::npos) refuse("entry name contains a NUL byte");
    if (name.front() == '/' || name.front() == '\\')
        refuse("entry '" + name + "' has an absolute path");
    if (name.size() >= 2 && name[1] == ':') refuse("entry '" + name + "' names a drive");
    std::filesystem::path relative;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find_first_of("/\\", start);
        if (end == std::string::npos) end = name.size();
        const std::string segment = name.substr(start, end - start);
        if (segment == "..") refuse("entry '" + name + "' escapes the extraction folder");
        if (!segment.empty() && segment != ".") relative /= segment;
        start = end + 1;
    }
    if (relative.empty() && name.back() != '/') refuse("entry '" + name + "' has no file name");
    return relative;
}

std::vector<Entry> read_entries(const Reader& reader) {
    const std::size_t end = find_end_record(reader);
    const std::uint32_t count = reader.u16(end + 10);
    const std::uint32_t directory_size = reader.u32(end + 12);
    const std::uint32_t directory_offset = reader.u32(end + 16);
    if (count == 0xffff || directory_offset == 0xffffffff)
        refuse("ZIP64 archives are not supported");
    if (reader.u16(end + 4) != 0 || reader.u16(end + 8) != count)
        refuse("multi-disk archives are not supported");
    reader.slice(directory_offset, directory_size);

    std::vector<Entry> entries;
    std::uint64_t total = 0;
    std::size_t at = directory_offset;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (reader.u32(at) != central_signature) refuse("corrupt central directory");
        const std::uint32_t made_by = reader.u16(at + 4) >> 8;
        const std::uint32_t flags = reader.u16(at + 8);
        Entry entry;
        entry.method = reader.u16(at + 10);
        entry.crc = reader.u32(at + 16);
        const std::uint32_t compressed = reader.u32(at + 20);
        entry.size = reader.u32(at + 24);
        const std::uint32_t name_length = reader.u16(at + 28);
        const std::uint32_t extra_length = reader.u16(at + 30);
        const std::uint32_t comment_length = reader.u16(at + 32);
        const std::uint32_t external = reader.u32(at + 38);
        const std::uint32_t local = reader.u32(at + 42);
        entry.name = std::string(reader.slice(at + central_size, name_length));
        at += central_size + name_length + extra_length + comment_length;

        if (flags & 0x1) refuse("entry '" + entry.name + "' is encrypted");
        if (compressed == 0xffffffff || entry.size == 0xffffffff || local == 0xffffffff)
            refuse("ZIP64 archives are not supported");
        const std::uint32_t mode = made_by == 3 ? external >> 16 : 0;  // 3: made on Unix
        if ((mode & S_IFMT) == S_IFLNK) refuse("entry '" + entry.name + "' is a symbolic link");
        entry.relative = safe_relative_path(entry.name);  // first: refuses an empty name
        entry.directory = entry.name.back() == '/' || (mode & S_IFMT) == S_IFDIR;
        entry.executable = (mode & 0111) != 0;
        if (entry.method != 0 && entry.method != 8)
            refuse("entry '" + entry.name + "' uses compression method " +
                   std::to_string(entry.method) + " (only stored and deflated are supported)");
        if (entry.method == 0 && compressed != entry.size)
            refuse("entry '" + entry.name + "' is stored with inconsistent sizes");

        if (reader.u32(local) != local_signature)
            refuse("entry '" + entry.name + "' has no local header");
        const std::size_t data_at =
            local + local_size + reader.u16(local + 26) + reader.u16(local + 28);
        entry.data = reader.slice(data_at, compressed);
        total += entry.size;
        if (total > max_unzipped_size)
            refuse("Unzipped size must be smaller than " + std::to_string(max_unzipped_size) +
                   " bytes");
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string inflate_entry(const Entry& entry) {
    std::string out(entry.size, '\0');
    if (entry.method == 0) {
        out.assign(entry.data);
    } else {
        z_stream stream{};
        if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) throw std::runtime_error("zlib init failed");
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(entry.data.data()));
        stream.avail_in = static_cast<uInt>(entry.data.size());
        stream.next_out = reinterpret_cast<Bytef*>(out.data());
        stream.avail_out = static_cast<uInt>(out.size());
        int status = inflate(&stream, Z_FINISH);
        // Room for one more byte tells "exactly the declared size" from "more than declared".
        char spare = 0;
        if (status == Z_BUF_ERROR && stream.avail_out == 0) {
            stream.next_out = reinterpret_cast<Bytef*>(&spare);
            stream.avail_out = 1;
            status = inflate(&stream, Z_FINISH);
        }
        const bool complete = status == Z_STREAM_END && stream.total_out == entry.size;
        inflateEnd(&stream);
        if (!complete) refuse("entry '" + entry.name + "' is corrupt");
    }
    const auto crc =
        crc32(0L, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
    if (crc != entry.crc) refuse("entry '" + entry.name + "' fails its CRC-32 check");
    return out;
}

void write_file(const std::filesystem::path& path, const std::string& content, bool executable) {
    std::filesystem::create_directories(path.parent_path());
    // A later entry of the same name replaces an earlier one, as unzip does.
    if (std::filesystem::is_directory(std::filesystem::symlink_status(path)))
        refuse("entry '" + path.string() + "' is both a file and a directory");
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(content.data(), static_cast<std::streamsize>(content.size()));
    file.close();
    if (!file) throw std::runtime_error("cannot write " + path.string());
    using std::filesystem::perms;
    std::filesystem::permissions(path, executable ? perms::owner_all | perms::group_read |
                                                        perms::group_exec | perms::others_read |
                                                        perms::others_exec
                                                  : perms::owner_read | perms::owner_write |
                                                        perms::group_read | perms::others_read);
}

}  // namespace

ExtractedZip extract_zip(std::string_view archive, const std::filesystem::path& directory) {
    const Reader reader(archive);
    const auto entries = read_entries(reader);  // refuses before anything is written
    if (std::filesystem::exists(directory))
        throw std::runtime_error("extraction folder already exists: " + directory.string());
    std::filesystem::create_directories(directory);
    ExtractedZip result;
    try {
        for (const auto& entry : entries) {
            const auto target = directory / entry.relative;
            if (entry.directory) {
                std::filesystem::create_directories(target);
                continue;
            }
            write_file(target, inflate_entry(entry), entry.executable);
            ++result.files;
            result.unzipped_bytes += entry.size;
        }
    } catch (const std::filesystem::filesystem_error& error) {
        // e.g. an entry "a/b" after a file "a": the archive cannot be laid out as a folder.
        std::error_code ignored;
        std::filesystem::remove_all(directory, ignored);
        refuse(error.code().message() + " at " + error.path1().string());
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(directory, ignored);
        throw;
    }
    return result;
}

}  // namespace iotemu::lambda
