using System.Text;
using Flotilla.Client.Config;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Config;

/// <summary>Kubeconfig parsing, context resolution, and merging of KUBECONFIG lists with kubectl's rules.</summary>
public sealed class KubeConfigTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>, IDisposable
{
    private readonly TemporaryDirectory _dir = new("flotilla-kubeconfig");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Parse_EveryField_ReadIntoModel()
    {
        var dir = Directory.CreateDirectory(_dir.Combine("conf")).FullName;
        var config = KubeConfig.Parse("""
            apiVersion: v1
            kind: Config
            preferences: {}
            clusters:
            - name: prod
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority: pki/ca.crt
                certificate-authority-data: aGVsbG8=
                insecure-skip-tls-verify: false
                tls-server-name: api.internal
                proxy-url: http://proxy:3128
                disable-compression: true
                extensions: []
            users:
            - name: ops
              user:
                client-certificate: ops.crt
                client-certificate-data: Y2VydA==
                client-key: /abs/ops.key
                client-key-data: a2V5
                token: abc
                tokenFile: ../token
                exec:
                  command: kubelogin
            contexts:
            - name: prod-ops
              context:
                cluster: prod
                user: ops
                namespace: payments
            current-context: prod-ops
            """, dir);

        Assert.Equal("prod-ops", config.CurrentContext);
        var cluster = config.Clusters["prod"];
        Assert.Equal("https://10.0.0.1:6443", cluster.Server);
        Assert.Equal(Path.Combine(dir, "pki", "ca.crt"), cluster.CertificateAuthority);
        Assert.Equal("hello"u8.ToArray(), cluster.CertificateAuthorityData);
        Assert.False(cluster.InsecureSkipTlsVerify);
        Assert.Equal(("api.internal", "http://proxy:3128", true), (cluster.TlsServerName, cluster.ProxyUrl, cluster.DisableCompression));
        var user = config.Users["ops"];
        Assert.Equal(Path.Combine(dir, "ops.crt"), user.ClientCertificate);
        Assert.Equal("cert"u8.ToArray(), user.ClientCertificateData);
        Assert.Equal("/abs/ops.key", user.ClientKey);
        Assert.Equal("key"u8.ToArray(), user.ClientKeyData);
        Assert.Equal(("abc", Path.GetFullPath(Path.Combine(dir, "..", "token"))), (user.Token, user.TokenFile));
        Assert.Equal(["exec"], user.UnsupportedFields);
        Assert.Equal(new KubeContext { Cluster = "prod", User = "ops", Namespace = "payments" }, config.Contexts["prod-ops"]);
    }

    [Fact]
    public void Parse_InvalidBase64_ThrowsNamingEntryAndField()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.Parse("""
            clusters:
            - name: broken
              cluster: {server: "https://x", certificate-authority-data: "not base64!"}
            """));

        Assert.Contains("clusters[broken].certificate-authority-data is not valid base64", error.Message);
    }

    [Fact]
    public void LoadFile_DuplicateNameInOneFile_ThrowsNamingIt()
    {
        var path = Write("dup", """
            clusters:
            - {name: twin, cluster: {server: "https://a"}}
            - {name: twin, cluster: {server: "https://b"}}
            """);

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.LoadFile(path));

        Assert.Contains("two entries named \"twin\"", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void LoadFile_Missing_ThrowsNamingPath()
    {
        var path = _dir.Combine("absent");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfig.LoadFile(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void LoadFiles_OverlappingNames_FirstFileWinsEachKeyAndCurrentContext()
    {
        var first = Write("first/config", """
            clusters:
            - {name: shared, cluster: {server: "https://first", certificate-authority: ca.crt}}
            users:
            - {name: shared-user, user: {token: first-token}}
            contexts:
            - {name: c1, context: {cluster: shared, user: shared-user}}
            """);
        var second = Write("second/config", """
            clusters:
            - {name: shared, cluster: {server: "https://second", insecure-skip-tls-verify: true}}
            - {name: only-second, cluster: {server: "https://only", certificate-authority: ca.crt}}
            users:
            - {name: shared-user, user: {tokenFile: token}}
            contexts:
            - {name: c1, context: {cluster: only-second, namespace: x}}
            - {name: c2, context: {cluster: only-second}}
            current-context: c2
            """);
        var third = Write("third/config", """
            contexts:
            - {name: c3, context: {cluster: shared}}
            current-context: c3
            """);

        var merged = KubeConfig.LoadFiles([first, second, third]);

        Assert.Equal("c2", merged.CurrentContext);
        Assert.Equal(["only-second", "shared"], merged.Clusters.Keys.Order());
        // Whole entries win, never single fields: the first "shared" has no insecure flag, the second's does not leak in.
        Assert.Equal(new KubeCluster { Server = "https://first", CertificateAuthority = _dir.Combine("first", "ca.crt") }, merged.Clusters["shared"]);
        Assert.Equal(_dir.Combine("second", "ca.crt"), merged.Clusters["only-second"].CertificateAuthority);
        Assert.Equal(("first-token", (string?)null), (merged.Users["shared-user"].Token, merged.Users["shared-user"].TokenFile));
        Assert.Equal(new KubeContext { Cluster = "shared", User = "shared-user" }, merged.Contexts["c1"]);
        Assert.Equal(["c1", "c2", "c3"], merged.Contexts.Keys.Order());
    }

    [Fact]
    public void LoadPathList_MissingFilesAndRepeats_Skipped()
    {
        var real = Write("real", """
            clusters:
            - {name: a, cluster: {server: "https://a"}}
            contexts:
            - {name: a, context: {cluster: a}}
            current-context: a
            """);

        var merged = KubeConfig.LoadPathList(string.Join(Path.PathSeparator, [_dir.Combine("missing"), "", real, real]));

        Assert.Equal("a", merged.CurrentContext);
        Assert.Equal(["a"], merged.Clusters.Keys);
    }

    [Fact]
    public async Task LoadPathList_SameListAsKubectl_AgreesWithKubectlConfigViewAndConnects()
    {
        var ca = fixture.Server.Host.CertificateAuthority.CertificatePem;
        var server = fixture.Server.Host.Url.ToString().TrimEnd('/');
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(_dir.Combine("a")).FullName, "ca.crt"), ca);
        var a = Write("a/config", $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: flotilla
              cluster: {server: "{{server}}", certificate-authority: ca.crt}
            users:
            - name: admin
              user: {token: {{fixture.Server.Host.Token}}}
            contexts:
            - name: main
              context: {cluster: flotilla, user: admin, namespace: team-a}
            current-context: main
            """);
        var b = Write("b/config", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: flotilla
              cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
            - name: extra
              cluster: {server: "https://10.9.8.7:6443", insecure-skip-tls-verify: true}
            users:
            - name: admin
              user: {token: loser}
            - name: bob
              user: {token: bobs-token}
            contexts:
            - name: main
              context: {cluster: extra, user: bob}
            - name: side
              context: {cluster: extra, user: bob, namespace: team-b}
            current-context: side
            """);
        var list = string.Join(Path.PathSeparator, [a, b]);

        var kubectl = new Kubectl(list, _dir.Combine("kube-cache"));
        var view = await kubectl.RunAsync(["config", "view", "--flatten", "--raw"], null);
        Assert.True(view.ExitCode == 0, $"kubectl config view failed: {view}");
        var theirs = KubeConfig.Parse(view.StandardOutput);
        var ours = KubeConfig.LoadPathList(list);

        Assert.Equal(theirs.CurrentContext, ours.CurrentContext);
        Assert.Equal(theirs.Contexts.Keys.Order(), ours.Contexts.Keys.Order());
        Assert.Equal(theirs.Clusters.Keys.Order(), ours.Clusters.Keys.Order());
        Assert.Equal(theirs.Users.Keys.Order(), ours.Users.Keys.Order());
        foreach (var context in theirs.Contexts.Keys)
        {
            Assert.Equal(Describe(ClusterConnection.FromKubeConfig(theirs, context)), Describe(ClusterConnection.FromKubeConfig(ours, context)));
        }

        // kubectl's flattened output is itself a kubeconfig this client connects with.
        var client = new KubernetesClient(ClusterConnection.FromKubeConfig(theirs));
        Assert.Equal("team-a", client.DefaultNamespace);
        var namespaces = await client.Resource(Resources.Namespaces).ListAsync();
        Assert.Contains(namespaces.Items, n => n["metadata"]!["name"]!.GetValue<string>() == "default");
    }

    [Fact]
    public void FromKubeConfig_ContextChosen_UsesItsClusterUserAndNamespace()
    {
        var config = KubeConfig.Parse("""
            clusters:
            - {name: one, cluster: {server: "https://one:6443"}}
            - {name: two, cluster: {server: "two.example:8443"}}
            users:
            - {name: u1, user: {token: t1}}
            - {name: u2, user: {token: t2, tokenFile: /ignored}}
            contexts:
            - {name: first, context: {cluster: one, user: u1, namespace: alpha}}
            - {name: second, context: {cluster: two, user: u2}}
            current-context: first
            """);

        var current = ClusterConnection.FromKubeConfig(config);
        var chosen = ClusterConnection.FromKubeConfig(config, "second");

        Assert.Equal((new Uri("https://one:6443"), "alpha", "t1"), (current.Server, current.Namespace, current.Token));
        // No scheme means https; no namespace means "default"; token wins over tokenFile.
        Assert.Equal((new Uri("https://two.example:8443"), "default", "t2", (string?)null), (chosen.Server, chosen.Namespace, chosen.Token, chosen.TokenFile));
    }

    [Fact]
    public void FromKubeConfig_UnknownContext_ThrowsListingTheKnownOnes()
    {
        var config = KubeConfig.Parse("""
            clusters: [{name: c, cluster: {server: "https://c"}}]
            contexts: [{name: b, context: {cluster: c}}, {name: a, context: {cluster: c}}]
            """);

        var unknown = Assert.Throws<KubeConfigException>(() => ClusterConnection.FromKubeConfig(config, "nope"));
        var none = Assert.Throws<KubeConfigException>(() => ClusterConnection.FromKubeConfig(config));

        Assert.Equal("context \"nope\" is not in the kubeconfig; choose one of: a, b", unknown.Message);
        Assert.Equal("the kubeconfig sets no current-context; choose one of: a, b", none.Message);
    }

    [Fact]
    public void LoadDefault_KubeconfigVariableSet_UsesItElseHomeConfig()
    {
        var listed = Write("listed", "clusters: [{name: listed, cluster: {server: \"https://l\"}}]\n");
        var home = Directory.CreateDirectory(_dir.Combine("home")).FullName;
        Write("home/.kube/config", "clusters: [{name: home, cluster: {server: \"https://h\"}}]\n");

        var fromVariable = KubeConfig.LoadDefault(name => name switch { "KUBECONFIG" => listed, "HOME" => home, _ => null });
        var fromHome = KubeConfig.LoadDefault(name => name == "HOME" ? home : null);

        Assert.Equal(["listed"], fromVariable.Clusters.Keys);
        Assert.Equal(["home"], fromHome.Clusters.Keys);
    }

    private static string Describe(ClusterConnection c) =>
        $"{c.Server} ns={c.Namespace} token={c.Token} tokenFile={c.TokenFile} insecure={c.InsecureSkipTlsVerify} " +
        $"ca={string.Join(",", c.CertificateAuthorities?.Select(x => x.Thumbprint) ?? [])}";

    private string Write(string relative, string yaml)
    {
        var path = _dir.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml, Encoding.UTF8);
        return path;
    }
}
