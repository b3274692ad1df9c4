// Deployment packages: extraction of real archives, and the refusals that keep a hostile or
// broken archive from leaving anything behind (zip slip, absolute paths, symlinks, truncation).
#include "rules/lambda/zip.hpp"

#include <sys/stat.h>

#include "common/aws_error.hpp"
#include "lambda/support.hpp"

using namespace iotemu;
using namespace iotemu::lambda;
using namespace iotemu::lambda::test;

namespace {

// The refusal an archive earns, with the target folder left absent.
std::string refusal(const std::string& archive) {
    TempDir work;
    const auto target = work / "code";
    try {
        extract_zip(archive, target);
    } catch (const AwsError& error) {
        CHECK(error.code() == "InvalidParameterValueException");
        CHECK_FALSE(std::filesystem::exists(target));
        CHECK(std::filesystem::is_empty(work.path()));
        return std::string(error.message());
    }
    FAIL("the archive was accepted");
    return {};
}

}  // namespace

TEST_CASE("a deflated archive with folders extracts file for file") {
    const auto archive = python_zip(
        "z.writestr('lambda_function.py', 'def handler(e, c):\\n    return 1\\n' * 50)\n"
        "z.writestr('lib/helper.py', 'X = 1\\n')\n"
        "z.writestr('lib/sub/', '')\n"
        "z.writestr('data.bin', bytes(range(256)) * 10, compress_type=zipfile.ZIP_STORED)");
    TempDir work;
    const auto result = extract_zip(archive, work / "code");
    CHECK(result.files == 3);
    CHECK(read_file(work / "code/lib/helper.py") == "X = 1\n");
    CHECK(read_file(work / "code/lambda_function.py").size() == 50 * 32);
    CHECK(read_file(work / "code/data.bin").size() == 2560);
    CHECK(std::filesystem::is_directory(work / "code/lib/sub"));
}

TEST_CASE("the executable bit of a Unix entry is kept") {
    const auto archive = python_zip(
        "i = zipfile.ZipInfo('bin/tool'); i.external_attr = (0o100755 << 16); i.create_system = 3\n"
        "z.writestr(i, '#!/bin/sh\\necho hi\\n')\n"
        "j = zipfile.ZipInfo('plain.txt'); j.external_attr = (0o100644 << 16); j.create_system = "
        "3\n"
        "z.writestr(j, 'text')");
    TempDir work;
    extract_zip(archive, work / "code");
    struct stat tool {
    }, plain{};
    REQUIRE(::stat((work / "code/bin/tool").c_str(), &tool) == 0);
    REQUIRE(::stat((work / "code/plain.txt").c_str(), &plain) == 0);
    CHECK((tool.st_mode & S_IXUSR) != 0);
    CHECK((plain.st_mode & S_IXUSR) == 0);
}

TEST_CASE("an archive made by the zip command extracts") {
    TempDir work;
    write_file(work / "src/index.js", "exports.handler = async () => 42;\n");
    const std::string command =
        "cd '" + (work / "src").string() + "' && zip -q -r ../f.zip . 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
        WARN("zip command not available; skipped");
        return;
    }
    extract_zip(read_file(work / "f.zip"), work / "code");
    CHECK(read_file(work / "code/index.js") == "exports.handler = async () => 42;\n");
}

TEST_CASE("an entry climbing out with .. is refused and nothing is written") {
    const auto message =
        refusal(python_zip("z.writestr('ok.py', 'fine')\n"
                           "z.writestr('../evil.py', 'bad')"));
    CHECK(message.find("escapes the extraction folder") != std::string::npos);
}

TEST_CASE("a .. segment in the middle of a path is refused") {
    refusal(python_zip("z.writestr('lib/../../evil.py', 'bad')"));
}

TEST_CASE("an entry with an absolute path is refused") {
    const auto message = refusal(python_zip("z.writestr(zipfile.ZipInfo('/tmp/evil.py'), 'bad')"));
    CHECK(message.find("absolute path") != std::string::npos);
}

TEST_CASE("a backslash path climbing out is refused") {
    refusal(python_zip("z.writestr(zipfile.ZipInfo('..\\\\evil.py'), 'bad')"));
}

TEST_CASE("a symbolic link entry is refused") {
    const auto message = refusal(python_zip(
        "i = zipfile.ZipInfo('link'); i.create_system = 3; i.external_attr = (0o120777 << 16)\n"
        "z.writestr(i, '/etc/passwd')"));
    CHECK(message.find("symbolic link") != std::string::npos);
}

// Found by fuzzing: the empty name was read for a trailing '/' before it was refused.
TEST_CASE("an entry with an empty name is refused") {
    const auto message = refusal(python_zip("z.writestr(zipfile.ZipInfo(''), 'x')"));
    CHECK(message.find("empty name") != std::string::npos);
}

TEST_CASE("a truncated archive is refused") {
    const auto archive = python_zip("z.writestr('a.py', 'x' * 5000)");
    refusal(archive.substr(0, archive.size() / 2));
    refusal(archive.substr(0, archive.size() - 5));
}

TEST_CASE("bytes that are not a zip archive are refused") {
    refusal("definitely not a zip file, just some text that is long enough");
    refusal("");
}

TEST_CASE("a corrupted deflate stream fails its check and leaves nothing") {
    auto archive = python_zip("z.writestr('a.py', 'hello world ' * 200)");
    // The compressed data starts after the 30-byte local header and the 4-byte name.
    for (std::size_t i = 40; i < 60; ++i) archive[i] = static_cast<char>(archive[i] ^ 0x5a);
    refusal(archive);
}
