// Replays fuzz inputs through a harness without libFuzzer (any compiler): a
// main for LLVMFuzzerTestOneInput. Arguments are files or directories (every
// regular file in them, sorted); `--known LIST` names inputs that are known
// findings (tests/fuzz/known-findings.txt): each must still fail, in a child
// process, while every other input must pass. Exit 0 when all went as expected.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void run(const std::string& bytes) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// Known findings, by file name (the first word of each line; # starts a comment).
std::set<std::string> read_known(const fs::path& list) {
    std::set<std::string> out;
    std::istringstream lines(slurp(list));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string first;
        if (words >> first && first[0] != '#') out.insert(fs::path(first).filename().string());
    }
    return out;
}

// True when the input still makes the harness fail (abort, signal, exit != 0).
bool fails_in_child(const std::string& bytes) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        run(bytes);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<fs::path> files;
    std::set<std::string> known;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--known" && i + 1 < argc) {
            known = read_known(argv[++i]);
        } else if (fs::is_directory(arg)) {
            std::vector<fs::path> in_dir;
            for (const auto& entry : fs::directory_iterator(arg))
                if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') in_dir.push_back(entry.path());
            std::sort(in_dir.begin(), in_dir.end());
            files.insert(files.end(), in_dir.begin(), in_dir.end());
        } else if (fs::is_regular_file(arg)) {
            files.emplace_back(arg);
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
            return 2;
        }
    }
    if (files.empty()) {  // a replay of nothing would pass whatever the harness does
        std::fprintf(stderr, "replay: no inputs\n");
        return 2;
    }
    std::size_t passed = 0, still_failing = 0;
    int status = 0;
    for (const auto& f : files) {
        const std::string bytes = slurp(f);
        if (known.count(f.filename().string())) {
            if (fails_in_child(bytes)) {
                ++still_failing;
            } else {
                std::fprintf(stderr, "replay: %s is listed as a known finding but passes: take it off the list\n",
                             f.c_str());
                status = 1;
            }
            continue;
        }
        std::fprintf(stderr, "replay: %s\n", f.c_str());  // the last one named is the culprit of a crash
        run(bytes);
        ++passed;
    }
    std::printf("replay: %zu inputs passed, %zu known findings still fail\n", passed, still_failing);
    return status;
}
