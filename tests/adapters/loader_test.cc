// The adapter loader (adapters/src/loader.cc, probe.cc, builtin.cc): every
// error path against a fixture that has exactly that fault, the example
// implementation and the reference through the loader, and the kernel import
// list of the ABI against what the runtime exports.
#include "wskconf/adapters/loader.h"

#include <dlfcn.h>
#include <elf.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <wskconf/adapter_kernel_imports.h>

namespace wskconf::adapters {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// A folder of files a test writes, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/wskconf_loader_test.XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The bytes of an ELF header with the given class, machine and type.
std::string ElfHeader(unsigned char elf_class, uint16_t machine, uint16_t type) {
  Elf64_Ehdr header = {};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = elf_class;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = type;
  header.e_machine = machine;
  header.e_version = EV_CURRENT;
  return std::string(reinterpret_cast<const char*>(&header), sizeof(header));
}

#if defined(__x86_64__)
constexpr uint16_t kForeignMachine = EM_AARCH64;
constexpr uint16_t kHostMachine = EM_X86_64;
#else
constexpr uint16_t kForeignMachine = EM_X86_64;
constexpr uint16_t kHostMachine = EM_AARCH64;
#endif

void ExpectOpenError(const std::string& path, LoadErrorKind kind, const std::string& text) {
  Result<LoadedAdapter> opened = OpenAdapter(path);
  ASSERT_FALSE(opened.ok()) << path;
  EXPECT_EQ(opened.error->kind, kind) << opened.error->message;
  EXPECT_THAT(opened.error->message, HasSubstr(path + ": "));
  EXPECT_THAT(opened.error->message, HasSubstr(text));
  EXPECT_EQ(opened.error->message.find('\n'), std::string::npos) << "one line";
}

TEST(Loader, MissingFileIsNamed) {
  ExpectOpenError("/nonexistent/provider.so", LoadErrorKind::kNotFound,
                  "no such provider file");
}

TEST(Loader, EmptyFileIsNotASharedObject) {
  ScratchDir dir;
  ExpectOpenError(dir.Write("empty.so", ""), LoadErrorKind::kNotSharedObject,
                  "the file is empty");
}

TEST(Loader, TextFileIsNotASharedObject) {
  ScratchDir dir;
  ExpectOpenError(dir.Write("script.so", "#!/bin/sh\necho hello\n"),
                  LoadErrorKind::kNotSharedObject,
                  "not an ELF shared object (it starts with \"#!/bin/s");
}

TEST(Loader, ThirtyTwoBitElfIsWrongArchitecture) {
  ScratchDir dir;
  ExpectOpenError(dir.Write("elf32.so", ElfHeader(ELFCLASS32, EM_386, ET_DYN)),
                  LoadErrorKind::kWrongArchitecture, "a 32-bit ELF file");
}

TEST(Loader, ForeignMachineIsWrongArchitecture) {
  ScratchDir dir;
  ExpectOpenError(dir.Write("foreign.so", ElfHeader(ELFCLASS64, kForeignMachine, ET_DYN)),
                  LoadErrorKind::kWrongArchitecture, "wrong architecture: built for");
}

TEST(Loader, RelocatableObjectIsNotASharedObject) {
  ScratchDir dir;
  ExpectOpenError(dir.Write("object.o", ElfHeader(ELFCLASS64, kHostMachine, ET_REL)),
                  LoadErrorKind::kNotSharedObject, "an ELF object (.o) file, not a shared object");
}

TEST(Loader, MissingSymbolIsNamed) {
  ExpectOpenError(WSKCONF_BROKEN_NO_DEREGISTER, LoadErrorKind::kMissingSymbol,
                  "does not export WskDeregister");
}

TEST(Loader, UnknownAbiVersionIsNamed) {
  ExpectOpenError(WSKCONF_BROKEN_ABI_999, LoadErrorKind::kUnknownAbiVersion,
                  "adapter ABI version 999 is not known to this loader (it knows "
                  "version 1)");
}

TEST(Loader, UnresolvedKernelImportIsNamed) {
  ExpectOpenError(WSKCONF_BROKEN_UNDEFINED_IMPORT, LoadErrorKind::kLoadFailed,
                  "WskconfNoSuchKernelFunction");
}

TEST(Loader, OpensEveryEntryPointOfAWorkingAdapter) {
  Result<LoadedAdapter> opened = OpenAdapter(WSKCONF_BROKEN_NONE);
  ASSERT_TRUE(opened.ok()) << opened.error->message;
  EXPECT_NE(opened.value->entry.WskRegister, nullptr);
  EXPECT_NE(opened.value->entry.WskDeregister, nullptr);
  EXPECT_NE(opened.value->entry.WskCaptureProviderNPI, nullptr);
  EXPECT_NE(opened.value->entry.WskReleaseProviderNPI, nullptr);
  EXPECT_NE(opened.value->entry.WskQueryProviderCharacteristics, nullptr);
  EXPECT_EQ(opened.value->entry.WskconfAdapterInfo, nullptr);
  EXPECT_FALSE(opened.value->description.has_info);
}

void ExpectProbeError(const std::string& path, LoadErrorKind kind, const std::string& text,
                      std::chrono::milliseconds timeout = kProbeTimeout) {
  Result<AdapterDescription> probed = ProbeAdapter(path, timeout);
  ASSERT_FALSE(probed.ok()) << path;
  EXPECT_EQ(probed.error->kind, kind) << probed.error->message;
  EXPECT_THAT(probed.error->message, HasSubstr(text));
  EXPECT_EQ(probed.error->message.find('\n'), std::string::npos) << "one line";
}

TEST(Probe, CrashInWskRegisterBecomesAMessage) {
  ExpectProbeError(WSKCONF_BROKEN_CRASH_REGISTER, LoadErrorKind::kRegistrationCrashed,
                   "crashed with signal 11 (SIGSEGV) in WskRegister");
}

TEST(Probe, FailingWskRegisterNamesItsStatus) {
  ExpectProbeError(WSKCONF_BROKEN_FAIL_REGISTER, LoadErrorKind::kRegistrationFailed,
                   "WskRegister returned STATUS_INSUFFICIENT_RESOURCES");
}

TEST(Probe, HangInWskRegisterIsKilled) {
  constexpr std::chrono::milliseconds kShortProbe{300};
  ExpectProbeError(WSKCONF_BROKEN_HANG_REGISTER, LoadErrorKind::kRegistrationHung,
                   "registration probe hung in WskRegister (killed after 300 ms)",
                   kShortProbe);
}

TEST(Probe, ExitInWskRegisterIsNamed) {
  ExpectProbeError(WSKCONF_BROKEN_EXIT_REGISTER, LoadErrorKind::kRegistrationFailed,
                   "exited with status 3 in WskRegister");
}

// Status 0 too: the process ended before the probe had its answer.
TEST(Probe, ExitWithStatusZeroInWskRegisterIsNamed) {
  ExpectProbeError(WSKCONF_BROKEN_EXIT_ZERO_REGISTER, LoadErrorKind::kRegistrationFailed,
                   "exited with status 0 in WskRegister");
}

TEST(Probe, LoadErrorsComeThroughTheChild) {
  ExpectProbeError(WSKCONF_BROKEN_ABI_999, LoadErrorKind::kUnknownAbiVersion,
                   "adapter ABI version 999");
  ExpectProbeError(WSKCONF_BROKEN_NO_DEREGISTER, LoadErrorKind::kMissingSymbol,
                   "does not export WskDeregister");
}

TEST(Probe, ExampleDescribesItself) {
  Result<AdapterDescription> probed = ProbeAdapter(WSKCONF_TEST_EXAMPLE_MINIMAL);
  ASSERT_TRUE(probed.ok()) << probed.error->message;
  EXPECT_TRUE(probed.value->has_info);
  EXPECT_EQ(probed.value->abi_version, 1u);
  EXPECT_EQ(probed.value->name, "minimal-example");
  EXPECT_EQ(probed.value->version, "1.0");
  EXPECT_THAT(probed.value->statement,
              HasSubstr("WskGetAddressInfo = unsupported: no name resolution"));
}

TEST(Probe, ReferenceRegisters) {
  Result<AdapterDescription> probed = ProbeAdapter(WSKCONF_TEST_REFERENCE_SO);
  ASSERT_TRUE(probed.ok()) << probed.error->message;
  EXPECT_EQ(probed.value->abi_version, 1u);
}

TEST(Builtin, ReferenceNamesThisBuildsSo) {
  BuiltinPaths paths{WSKCONF_TEST_REFERENCE_SO, "/nonexistent"};
  Result<std::string> path = ResolveAdapterName("reference", paths);
  ASSERT_TRUE(path.ok()) << path.error->message;
  EXPECT_EQ(*path.value, WSKCONF_TEST_REFERENCE_SO);
  paths.reference_so = "";
  path = ResolveAdapterName("reference", paths);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.error->message, HasSubstr("not built in this tree"));
}

TEST(Builtin, MutantsAreFoundByName) {
  ScratchDir dir;
  dir.Write("libwskconf_mutant_b-two.so", "x");
  dir.Write("libwskconf_mutant_a-one.so", "x");
  dir.Write("libunrelated.so", "x");
  EXPECT_THAT(ListMutants(dir.path()), ::testing::ElementsAre("a-one", "b-two"));
  BuiltinPaths paths{"", dir.path()};
  Result<std::string> path = ResolveAdapterName("mutant-a-one", paths);
  ASSERT_TRUE(path.ok()) << path.error->message;
  EXPECT_EQ(*path.value, dir.path() + "/libwskconf_mutant_a-one.so");
  path = ResolveAdapterName("mutant-none-such", paths);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error->kind, LoadErrorKind::kNotFound);
  EXPECT_THAT(path.error->message, HasSubstr("no such mutant in '" + dir.path() +
                                             "' (2 mutants are built there"));
}

TEST(Builtin, UnknownWordIsNeitherNameNorPath) {
  Result<std::string> path = ResolveAdapterName("wine-typo", BuiltinPaths{});
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.error->message,
              HasSubstr("not a built-in adapter (reference, mutant-<name>)"));
  path = ResolveAdapterName("./missing.so", BuiltinPaths{});
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.error->message, HasSubstr("./missing.so: no such provider file"));
}

// The C functions and objects libwskconf_kernel.so exports (nm -D).
std::set<std::string> KernelExports() {
  std::set<std::string> names;
  const std::string command =
      std::string("nm -D --defined-only ") + WSKCONF_TEST_KERNEL_SO;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return names;
  char line[1024];
  while (fgets(line, sizeof(line), pipe) != nullptr) {
    char address[64], type[8], name[900];
    if (std::sscanf(line, "%63s %7s %899s", address, type, name) != 3) continue;
    if (std::strncmp(name, "_Z", 2) == 0) continue;  // C++ helpers of seh.h
    // AddressSanitizer's one-definition-rule markers of exported data.
    if (std::strncmp(name, "__odr_asan", 10) == 0) continue;
    names.insert(name);
  }
  pclose(pipe);
  return names;
}

TEST(KernelImports, ListMatchesTheRuntimesExports) {
  std::set<std::string> listed;
#define WSKCONF_LISTED(name) listed.insert(#name);
  WSKCONF_ADAPTER_KERNEL_IMPORTS(WSKCONF_LISTED)
  WSKCONF_ADAPTER_KERNEL_DATA_IMPORTS(WSKCONF_LISTED)
#undef WSKCONF_LISTED
  const std::set<std::string> exported = KernelExports();
  ASSERT_GT(exported.size(), 100u) << "nm -D found too little in " WSKCONF_TEST_KERNEL_SO;
  for (const std::string& name : listed) {
    EXPECT_TRUE(exported.count(name)) << name << " is listed in adapter_kernel_imports.h "
                                         "but the runtime does not export it";
  }
  for (const std::string& name : exported) {
    EXPECT_TRUE(listed.count(name)) << name << " is exported by the runtime but not listed "
                                       "in adapters/include/wskconf/adapter_kernel_imports.h";
  }
}

}  // namespace
}  // namespace wskconf::adapters
