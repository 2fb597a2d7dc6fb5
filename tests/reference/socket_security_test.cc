// SO_WSK_SECURITY on the reference provider: a socket carries the cached
// descriptor it was created with or last given, or a default one that
// forbids sharing; a get hands out a counted reference to that cached copy.
#include <unistd.h>

#include <cstring>
#include <vector>

#include "control_test_util.h"
#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr USHORT kSelfRelative = 0x8000;
constexpr USHORT kDaclPresent = 0x0004;

// A self-relative descriptor: owner S-1-5-32-544 (Administrators), no DACL.
struct AdminsOwned {
  unsigned char bytes[36] = {};
  AdminsOwned() {
    static constexpr unsigned char kAdmins[16] = {1, 2, 0, 0, 0, 0, 0, 5,
                                                  32, 0, 0, 0, 0x20, 2, 0, 0};
    bytes[0] = 1;
    const USHORT control = kSelfRelative;
    std::memcpy(bytes + 2, &control, 2);
    const ULONG owner = 20;
    std::memcpy(bytes + 4, &owner, 4);
    std::memcpy(bytes + 20, kAdmins, sizeof(kAdmins));
  }
};

class SocketSecurityTest : public KeepingFamilyTest {
 protected:
  PWSK_SOCKET Make(ULONG flags) {
    if (flags == WSK_FLAG_DATAGRAM_SOCKET) return Keep(DatagramSocket(*client(), family()));
    return Keep(client()->Socket(family(), flags));
  }
  NTSTATUS Cache(PSECURITY_DESCRIPTOR uncached, PSECURITY_DESCRIPTOR* cached) {
    return client()->dispatch()->WskControlClient(client()->client(), WSK_CACHE_SD,
                                                  sizeof(PVOID), &uncached, sizeof(PVOID),
                                                  cached, nullptr, nullptr);
  }
  NTSTATUS Release(PSECURITY_DESCRIPTOR cached) {
    return client()->dispatch()->WskControlClient(client()->client(), WSK_RELEASE_SD,
                                                  sizeof(PVOID), &cached, 0, nullptr, nullptr,
                                                  nullptr);
  }
  NTSTATUS Get(PWSK_SOCKET s, PSECURITY_DESCRIPTOR* out, ULONG_PTR* information = nullptr,
               SIZE_T size = sizeof(PVOID)) {
    IrpProbe probe;
    NTSTATUS status = probe.Result(BasicTable(s)->WskControlSocket(
        s, WskGetOption, SO_WSK_SECURITY, WS_SOL_SOCKET, 0, nullptr, size, out, nullptr,
        probe.Start()));
    if (information != nullptr) *information = probe.information();
    return status;
  }
  NTSTATUS Set(PWSK_SOCKET s, PSECURITY_DESCRIPTOR sd) {
    IrpProbe probe;
    return probe.Result(BasicTable(s)->WskControlSocket(
        s, WskSetOption, SO_WSK_SECURITY, WS_SOL_SOCKET, sizeof(sd), &sd, 0, nullptr,
        nullptr, probe.Start()));
  }
};

TEST_P(SocketSecurityTest, DefaultCopyForbidsSharing) {
  RecordClause("SO_WSK_SECURITY.GetReturnsCachedCopy");
  for (ULONG flags : {WSK_FLAG_LISTEN_SOCKET, WSK_FLAG_CONNECTION_SOCKET,
                      WSK_FLAG_STREAM_SOCKET, WSK_FLAG_DATAGRAM_SOCKET}) {
    PWSK_SOCKET s = Make(flags);
    ASSERT_NE(s, nullptr);
    PSECURITY_DESCRIPTOR first = nullptr, second = nullptr;
    ULONG_PTR information = 0;
    ASSERT_EQ(Get(s, &first, &information), STATUS_SUCCESS) << "flags " << flags;
    EXPECT_EQ(information, sizeof(PSECURITY_DESCRIPTOR));
    ASSERT_NE(first, nullptr);
    // Self-relative, revision 1, a DACL present and empty (no ACE grants
    // anyone access: SO_WSK_SECURITY.DefaultForbidsSharing).
    const auto* bytes = static_cast<const unsigned char*>(first);
    USHORT control;
    ULONG dacl;
    std::memcpy(&control, bytes + 2, 2);
    std::memcpy(&dacl, bytes + 16, 4);
    EXPECT_EQ(bytes[0], 1);
    EXPECT_EQ(control & (kSelfRelative | kDaclPresent), kSelfRelative | kDaclPresent);
    ASSERT_NE(dacl, 0u);
    USHORT ace_count;
    std::memcpy(&ace_count, bytes + dacl + 4, 2);
    EXPECT_EQ(ace_count, 0);
    // One shared copy, one reference per get.
    ASSERT_EQ(Get(s, &second), STATUS_SUCCESS);
    EXPECT_EQ(second, first);
    EXPECT_EQ(Release(first), STATUS_SUCCESS);
    EXPECT_EQ(Release(second), STATUS_SUCCESS);
    EXPECT_EQ(Release(first), STATUS_INVALID_PARAMETER) << "a reference too many was kept";
  }
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 4);
}

TEST_P(SocketSecurityTest, CreationDescriptorIsReported) {
  RecordClause("WSK_CACHE_SD.UsableAtCreation");
  AdminsOwned admins;
  PSECURITY_DESCRIPTOR cached = nullptr;
  ASSERT_EQ(Cache(admins.bytes, &cached), STATUS_SUCCESS);
  IrpProbe probe;
  ASSERT_EQ(probe.Result(client()->dispatch()->WskSocket(
                client()->client(), family(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
                WSK_FLAG_LISTEN_SOCKET, nullptr, nullptr, nullptr, nullptr, cached,
                probe.Start())),
            STATUS_SUCCESS);
  auto* s = Keep(reinterpret_cast<PWSK_SOCKET>(probe.information()));
  // The socket holds its own reference: the client may drop its copy once
  // the creation IRP has completed.
  ASSERT_EQ(Release(cached), STATUS_SUCCESS);
  PSECURITY_DESCRIPTOR got = nullptr;
  ASSERT_EQ(Get(s, &got), STATUS_SUCCESS);
  EXPECT_EQ(got, cached);
  EXPECT_EQ(std::memcmp(got, admins.bytes, sizeof(admins.bytes)), 0);
  EXPECT_EQ(Release(got), STATUS_SUCCESS);
}

TEST_P(SocketSecurityTest, ConnectedSocketCarriesItsDescriptor) {
  RecordClause("WSK_CACHE_SD.UsableAtCreation");
  AdminsOwned admins;
  PSECURITY_DESCRIPTOR cached = nullptr;
  ASSERT_EQ(Cache(admins.bytes, &cached), STATUS_SUCCESS);
  USHORT port = 0;
  const int listener = HostListener(family(), &port);
  ASSERT_GE(listener, 0);
  SOCKADDR_STORAGE local = Loopback(family());
  SOCKADDR_STORAGE remote = Loopback(family(), port);
  IrpProbe probe;
  ASSERT_EQ(probe.Result(client()->dispatch()->WskSocketConnect(
                client()->client(), WS_SOCK_STREAM, WS_IPPROTO_TCP,
                reinterpret_cast<PSOCKADDR>(&local), reinterpret_cast<PSOCKADDR>(&remote),
                0, nullptr, nullptr, nullptr, nullptr, cached, probe.Start())),
            STATUS_SUCCESS);
  auto* s = Keep(reinterpret_cast<PWSK_SOCKET>(probe.information()));
  const int host = HostAccept(listener);
  PSECURITY_DESCRIPTOR got = nullptr;
  ASSERT_EQ(Get(s, &got), STATUS_SUCCESS);
  EXPECT_EQ(got, cached);
  EXPECT_EQ(Release(got), STATUS_SUCCESS);
  EXPECT_EQ(Release(cached), STATUS_SUCCESS);
  close(host);
  close(listener);
}

TEST_P(SocketSecurityTest, SetReplacesAndIsCheckedBeforeBind) {
  RecordClause("SO_WSK_SECURITY.SetReplacesPrevious");
  AdminsOwned admins;
  PSECURITY_DESCRIPTOR cached = nullptr;
  ASSERT_EQ(Cache(admins.bytes, &cached), STATUS_SUCCESS);
  PWSK_SOCKET s = Make(WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(Set(s, cached), STATUS_SUCCESS);
  ASSERT_EQ(Release(cached), STATUS_SUCCESS);  // the socket keeps its own
  PSECURITY_DESCRIPTOR got = nullptr;
  ASSERT_EQ(Get(s, &got), STATUS_SUCCESS);
  EXPECT_EQ(got, cached);
  // Back to a copy of the default: the old one loses the socket's reference
  // and goes once the client drops what it retrieved.
  PWSK_SOCKET other = Make(WSK_FLAG_CONNECTION_SOCKET);
  PSECURITY_DESCRIPTOR fallback = nullptr;
  ASSERT_EQ(Get(other, &fallback), STATUS_SUCCESS);
  ASSERT_EQ(Set(s, fallback), STATUS_SUCCESS);
  EXPECT_EQ(Release(got), STATUS_SUCCESS);
  EXPECT_EQ(Release(got), STATUS_INVALID_PARAMETER) << "the replaced copy is still held";
  // Refused: a descriptor the cache never handed out, a short output.
  EXPECT_EQ(Set(s, admins.bytes), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(Get(s, &got, nullptr, 4), STATUS_BUFFER_TOO_SMALL);
  // After the bind the descriptor is fixed (SO_WSK_SECURITY.SetBeforeBind).
  ASSERT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
  EXPECT_EQ(Set(s, fallback), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
  EXPECT_EQ(Release(fallback), STATUS_SUCCESS);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 2);
}

TEST_P(SocketSecurityTest, BasicSocketsHaveNone) {
  RecordClause("SO_WSK_SECURITY.NotOnBasic");
  PWSK_SOCKET s = Make(WSK_FLAG_BASIC_SOCKET);
  ASSERT_NE(s, nullptr);
  PSECURITY_DESCRIPTOR got = nullptr;
  EXPECT_EQ(Get(s, &got), STATUS_NOT_SUPPORTED);
  EXPECT_EQ(got, nullptr);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
}

WSKCONF_FAMILY_TESTS(SocketSecurityTest);

}  // namespace
}  // namespace wskconf::reference::testing
