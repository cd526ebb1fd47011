using System.Text;
using Flotilla.Client.Config;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;
using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Tests.Config;

/// <summary>
/// One fixture per kubeconfig field that shapes the connection: CA file and data, client certificate and key as
/// files and data (RSA and EC), token, tokenFile, insecure-skip-tls-verify and proxy-url. Each connects to a TLS
/// stub server whose certificate a throw-away CA issued.
/// </summary>
public sealed class ConnectionTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _dir = new("flotilla-connection");
    private readonly TestPki _pki = TestPki.Create();
    private StubServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, """{"major":"1","minor":"32"}"""), _pki.IssueServer(), requireClientCertificate: false);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Connect_CertificateAuthorityFileRelativeToKubeconfig_TrustsServer()
    {
        File.WriteAllText(_dir.Combine("ca.pem"), _pki.CertificatePem);
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", certificate-authority: ca.pem}}", "user: {token: t}");

        var version = await new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path))).GetVersionAsync();

        Assert.Equal("32", version["minor"]!.GetValue<string>());
        Assert.Equal("Bearer t", _server.Requests.Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task Connect_CertificateAuthorityData_TrustsServer()
    {
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", certificate-authority-data: {Base64(_pki.CertificatePem)}}}", "user: {}");

        await new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path))).GetVersionAsync();

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Connect_ServerFromAnotherCa_FailsTlsWithoutRetrying()
    {
        var other = TestPki.Create("someone-else");
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", certificate-authority-data: {Base64(other.CertificatePem)}}}", "user: {}");
        RecordingHandler? recorder = null;
        var client = new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)), new KubernetesClientOptions
        {
            WrapHandler = inner => recorder = new RecordingHandler(inner),
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetVersionAsync());

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Single(recorder!.Attempts);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Connect_ServerNameNotInCertificate_Rejected()
    {
        // The certificate names 127.0.0.1 and localhost; the same server reached as 127.0.0.2 must not be trusted.
        var path = WriteConfig($"cluster: {{server: \"https://127.0.0.2:{_server.Url.Port}\", certificate-authority-data: {Base64(_pki.CertificatePem)}}}", "user: {}");
        var client = new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)), new KubernetesClientOptions { MaxRetries = 0 });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetVersionAsync());

        Assert.True(error.HttpRequestError is HttpRequestError.SecureConnectionError or HttpRequestError.ConnectionError, error.ToString());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Connect_InsecureSkipTlsVerify_AcceptsUnknownCertificate()
    {
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", insecure-skip-tls-verify: true}}", "user: {token: t}");

        await new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path))).GetVersionAsync();

        Assert.Single(_server.Requests);
    }

    [Fact]
    public void FromKubeConfig_InsecureWithCertificateAuthority_ThrowsNamingBoth()
    {
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", insecure-skip-tls-verify: true, certificate-authority-data: {Base64(_pki.CertificatePem)}}}", "user: {}");

        var error = Assert.Throws<KubeConfigException>(() => ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)));

        Assert.Contains("insecure-skip-tls-verify cannot be combined with a certificate authority", error.Message);
    }

    [Fact]
    public async Task Connect_ProxyUrl_IgnoredWithLoggedWarning()
    {
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", certificate-authority-data: {Base64(_pki.CertificatePem)}, proxy-url: \"http://127.0.0.1:1\"}}", "user: {}");
        var logs = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        var connection = ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path));
        await new KubernetesClient(connection, new KubernetesClientOptions { LoggerFactory = factory }).GetVersionAsync();

        var warning = Assert.Single(connection.Warnings);
        Assert.Contains("proxy-url http://127.0.0.1:1 is not supported and is ignored", warning);
        Assert.Contains(logs.Messages, m => m.Level == LogLevel.Warning && m.Text.Contains(warning, StringComparison.Ordinal));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void FromKubeConfig_UnsupportedExec_Warns()
    {
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\"}}", "user: {exec: {command: kubelogin}}");

        var connection = ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path));

        Assert.Contains(connection.Warnings, w => w.Contains("exec is not supported", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_TokenFile_SentAndReReadAfterAMinute()
    {
        File.WriteAllText(_dir.Combine("token"), "first-token\n");
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", certificate-authority-data: {Base64(_pki.CertificatePem)}}}", "user: {tokenFile: token}");
        var time = new ManualTimeProvider();
        var client = new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)), new KubernetesClientOptions { Time = time });

        await client.GetVersionAsync();
        File.WriteAllText(_dir.Combine("token"), "rotated-token\n");
        await client.GetVersionAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        await client.GetVersionAsync();

        Assert.Equal(["Bearer first-token", "Bearer first-token", "Bearer rotated-token"], _server.Requests.Select(r => r.Headers["Authorization"]));
    }

    [Theory]
    [InlineData(true, true, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public async Task Connect_ClientCertificate_PresentedToServer(bool asFiles, bool rsa, bool pkcs8)
    {
        await using var mtls = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, "{}"), _pki.IssueServer(), requireClientCertificate: true);
        var (certPem, keyPem) = _pki.IssueClient($"agent-{(rsa ? "rsa" : "ec")}", rsa, pkcs8);
        Assert.StartsWith(pkcs8 ? "-----BEGIN PRIVATE KEY-----" : rsa ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----", keyPem);
        string user;
        if (asFiles)
        {
            Directory.CreateDirectory(_dir.Combine("pki"));
            File.WriteAllText(_dir.Combine("pki", "client.crt"), certPem);
            File.WriteAllText(_dir.Combine("pki", "client.key"), keyPem);
            user = "user: {client-certificate: pki/client.crt, client-key: pki/client.key}";
        }
        else
        {
            user = $"user: {{client-certificate-data: {Base64(certPem)}, client-key-data: {Base64(keyPem)}}}";
        }
        var path = WriteConfig($"cluster: {{server: \"{mtls.Url}\", certificate-authority-data: {Base64(_pki.CertificatePem)}}}", user);

        await new KubernetesClient(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path))).GetVersionAsync();

        Assert.Contains($"CN=agent-{(rsa ? "rsa" : "ec")}", mtls.Requests.Single().ClientCertificateSubject);
        Assert.False(mtls.Requests.Single().Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public void FromKubeConfig_ClientKeyOfAnotherCertificate_ThrowsNamingUser()
    {
        var (certPem, _) = _pki.IssueClient("a", rsa: false);
        var (_, otherKey) = _pki.IssueClient("b", rsa: false);
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\"}}", $"user: {{client-certificate-data: {Base64(certPem)}, client-key-data: {Base64(otherKey)}}}");

        var error = Assert.Throws<KubeConfigException>(() => ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)));

        Assert.StartsWith("user \"u\": the client certificate and key do not form a usable pair", error.Message);
    }

    [Fact]
    public void FromKubeConfig_ClientCertificateWithoutKey_Throws()
    {
        var (certPem, _) = _pki.IssueClient("a", rsa: false);
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\"}}", $"user: {{client-certificate-data: {Base64(certPem)}}}");

        var error = Assert.Throws<KubeConfigException>(() => ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)));

        Assert.Contains("needs both client-certificate(-data) and client-key(-data)", error.Message);
    }

    [Fact]
    public void FromKubeConfig_MissingCertificateAuthorityFile_ThrowsNamingIt()
    {
        var path = WriteConfig($"cluster: {{server: \"{_server.Url}\", certificate-authority: nowhere.pem}}", "user: {}");

        var error = Assert.Throws<KubeConfigException>(() => ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path)));

        Assert.Contains(_dir.Combine("nowhere.pem"), error.Message);
        Assert.StartsWith("cluster \"c\" certificate-authority: cannot read", error.Message);
    }

    private string WriteConfig(string cluster, string user)
    {
        var path = _dir.Combine("config");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              {{cluster}}
            users:
            - name: u
              {{user}}
            contexts:
            - name: x
              context: {cluster: c, user: u}
            current-context: x
            """);
        return path;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

/// <summary>Collects log messages for assertions.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Messages.Enqueue((logLevel, formatter(state, exception)));
    }
}
