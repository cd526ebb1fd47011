using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flotilla.Client.Config;

/// <summary>Where the in-cluster configuration lives; the defaults are what every pod gets.</summary>
public sealed record InClusterOptions
{
    /// <summary>The projected service-account volume holding <c>token</c>, <c>ca.crt</c> and <c>namespace</c>.</summary>
    public string ServiceAccountDirectory { get; init; } = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The API server host; defaults to <c>KUBERNETES_SERVICE_HOST</c>.</summary>
    public string? Host { get; init; } = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");

    /// <summary>The API server port; defaults to <c>KUBERNETES_SERVICE_PORT</c>.</summary>
    public string? Port { get; init; } = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
}

/// <summary>
/// One resolved way to reach one API server: URL, TLS trust, client identity, bearer token and default namespace.
/// Build it from a kubeconfig context (<see cref="FromKubeConfig"/>), from the pod's service account
/// (<see cref="InCluster"/>), or directly.
/// </summary>
public sealed record ClusterConnection
{
    /// <summary>The API server URL; a path prefix (as some proxies use) is kept in every request.</summary>
    public required Uri Server { get; init; }

    /// <summary>The default namespace (the context's, else <c>default</c>).</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>When set, the server certificate must chain to one of these, and to nothing else (system roots are not consulted).</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>A client certificate with its private key, presented during the TLS handshake.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Accept any server certificate. Cannot be combined with <see cref="CertificateAuthorities"/>.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>A bearer token sent on every request (over http too).</summary>
    public string? Token { get; init; }

    /// <summary>A file holding the bearer token; re-read when the copy in memory is a minute old, so rotation is picked up.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Do not ask for gzip-compressed responses.</summary>
    public bool DisableCompression { get; init; }

    /// <summary>Configuration that was ignored (e.g. <c>proxy-url</c>); the client logs them once.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Describes the connection without its secrets (a record would print the token).</summary>
    public override string ToString() =>
        $"ClusterConnection {{ Server = {Server}, Namespace = {Namespace}, CertificateAuthorities = {CertificateAuthorities?.Count ?? 0}, " +
        $"ClientCertificate = {ClientCertificate?.Subject ?? "none"}, InsecureSkipTlsVerify = {InsecureSkipTlsVerify}, " +
        $"Token = {(Token is null ? "none" : "<redacted>")}, TokenFile = {TokenFile ?? "none"} }}";

    /// <summary>
    /// Resolves a context of <paramref name="config"/> (kubectl's <c>--context</c>; default: its current-context):
    /// the cluster's server and TLS settings, the user's credentials and the context's namespace. File contents are
    /// read now, so a missing or malformed file fails here, naming the entry and field.
    /// </summary>
    public static ClusterConnection FromKubeConfig(KubeConfig config, string? context = null)
    {
        var contextName = context ?? config.CurrentContext
            ?? throw new KubeConfigException($"the kubeconfig sets no current-context; choose one of: {Names(config.Contexts.Keys)}");
        if (!config.Contexts.TryGetValue(contextName, out var ctx))
        {
            throw new KubeConfigException($"context \"{contextName}\" is not in the kubeconfig; choose one of: {Names(config.Contexts.Keys)}");
        }
        if (string.IsNullOrEmpty(ctx.Cluster) || !config.Clusters.TryGetValue(ctx.Cluster, out var cluster))
        {
            throw new KubeConfigException($"context \"{contextName}\" names cluster \"{ctx.Cluster}\", which is not in the kubeconfig; clusters: {Names(config.Clusters.Keys)}");
        }
        var user = new KubeUser();
        if (!string.IsNullOrEmpty(ctx.User) && !config.Users.TryGetValue(ctx.User, out user))
        {
            throw new KubeConfigException($"context \"{contextName}\" names user \"{ctx.User}\", which is not in the kubeconfig; users: {Names(config.Users.Keys)}");
        }

        var warnings = new List<string>();
        var clusterName = $"cluster \"{ctx.Cluster}\"";
        var server = ParseServer(cluster.Server, clusterName);
        if (!string.IsNullOrEmpty(cluster.ProxyUrl))
        {
            warnings.Add($"{clusterName}: proxy-url {cluster.ProxyUrl} is not supported and is ignored; requests go directly to {server}");
        }
        if (!string.IsNullOrEmpty(cluster.TlsServerName))
        {
            warnings.Add($"{clusterName}: tls-server-name {cluster.TlsServerName} is not supported and is ignored; the server certificate must match {server.Host}");
        }
        foreach (var field in user!.UnsupportedFields)
        {
            warnings.Add($"user \"{ctx.User}\": {field} is not supported and is ignored; use token, tokenFile or a client certificate");
        }

        X509Certificate2Collection? authorities = null;
        if (cluster.CertificateAuthorityData is { } caData)
        {
            if (cluster.CertificateAuthority is not null)
            {
                warnings.Add($"{clusterName}: certificate-authority-data and certificate-authority are both set; certificate-authority-data is used");
            }
            authorities = Certificates(caData, $"{clusterName} certificate-authority-data");
        }
        else if (cluster.CertificateAuthority is { } caFile)
        {
            authorities = Certificates(ReadFile(caFile, $"{clusterName} certificate-authority"), $"{clusterName} certificate-authority {caFile}");
        }
        if (cluster.InsecureSkipTlsVerify && authorities is not null)
        {
            // client-go refuses this combination too: trusting "a CA, but also anything" is never what was meant.
            throw new KubeConfigException($"{clusterName}: insecure-skip-tls-verify cannot be combined with a certificate authority; remove one of them");
        }

        X509Certificate2? clientCertificate = null;
        var userName = $"user \"{ctx.User}\"";
        var certPem = user.ClientCertificateData ?? (user.ClientCertificate is { } certFile ? ReadFile(certFile, $"{userName} client-certificate") : null);
        var keyPem = user.ClientKeyData ?? (user.ClientKey is { } keyFile ? ReadFile(keyFile, $"{userName} client-key") : null);
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null || keyPem is null)
            {
                throw new KubeConfigException($"{userName}: a client certificate needs both client-certificate(-data) and client-key(-data)");
            }
            clientCertificate = ClientCertificateFrom(certPem, keyPem, userName);
        }

        return new ClusterConnection
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(ctx.Namespace) ? "default" : ctx.Namespace,
            CertificateAuthorities = authorities,
            ClientCertificate = clientCertificate,
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
            Token = string.IsNullOrEmpty(user.Token) ? null : user.Token,
            TokenFile = string.IsNullOrEmpty(user.Token) ? user.TokenFile : null,
            DisableCompression = cluster.DisableCompression,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The configuration every pod has: <c>https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT</c>, trusting
    /// the service account's <c>ca.crt</c>, authenticating with its <c>token</c> (re-read as the kubelet rotates it)
    /// and defaulting to its <c>namespace</c>.
    /// </summary>
    public static ClusterConnection InCluster(InClusterOptions? options = null)
    {
        options ??= new InClusterOptions();
        if (string.IsNullOrEmpty(options.Host) || string.IsNullOrEmpty(options.Port))
        {
            throw new KubeConfigException("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set");
        }
        var directory = options.ServiceAccountDirectory;
        var tokenFile = Path.Combine(directory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubeConfigException($"not running in a cluster: the service-account token {tokenFile} does not exist");
        }
        var caFile = Path.Combine(directory, "ca.crt");
        var namespaceFile = Path.Combine(directory, "namespace");
        var ns = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "";
        // An IPv6 service host needs brackets in a URL.
        var host = options.Host.Contains(':', StringComparison.Ordinal) && !options.Host.StartsWith('[') ? $"[{options.Host}]" : options.Host;
        return new ClusterConnection
        {
            Server = new Uri($"https://{host}:{options.Port}"),
            Namespace = ns.Length == 0 ? "default" : ns,
            CertificateAuthorities = Certificates(ReadFile(caFile, "the service-account CA"), caFile),
            TokenFile = tokenFile,
        };
    }

    /// <summary>
    /// What a process finds by default, in controller-runtime's order: the <c>KUBECONFIG</c> list when set, else the
    /// in-cluster configuration when running in a pod, else <c>~/.kube/config</c>.
    /// </summary>
    public static ClusterConnection Default(string? context = null) => Default(context, Environment.GetEnvironmentVariable, new InClusterOptions());

    internal static ClusterConnection Default(string? context, Func<string, string?> environment, InClusterOptions inCluster)
    {
        if (environment("KUBECONFIG") is { Length: > 0 })
        {
            return FromKubeConfig(KubeConfig.LoadDefault(environment), context);
        }
        if (context is null && !string.IsNullOrEmpty(inCluster.Host) && !string.IsNullOrEmpty(inCluster.Port))
        {
            return InCluster(inCluster);
        }
        return FromKubeConfig(KubeConfig.LoadDefault(environment), context);
    }

    private static Uri ParseServer(string? server, string where)
    {
        if (string.IsNullOrEmpty(server))
        {
            throw new KubeConfigException($"{where} has no server; set clusters[].cluster.server to the API server URL");
        }
        // kubectl accepts host:port without a scheme and means https.
        var text = server.Contains("://", StringComparison.Ordinal) ? server : "https://" + server;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new KubeConfigException($"{where}: server \"{server}\" is not an http(s) URL");
        }
        return uri;
    }

    private static byte[] ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{what}: cannot read {path}: {e.Message}", e);
        }
    }

    internal static X509Certificate2Collection Certificates(byte[] pem, string what)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(System.Text.Encoding.UTF8.GetString(pem));
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"{what} is not a valid PEM certificate: {e.Message}", e);
        }
        return collection.Count > 0 ? collection : throw new KubeConfigException($"{what} holds no PEM certificate");
    }

    private static X509Certificate2 ClientCertificateFrom(byte[] certPem, byte[] keyPem, string what)
    {
        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(certPem), System.Text.Encoding.UTF8.GetString(keyPem));
            // TLS stacks (SChannel in particular) need a persisted-style key; a PKCS#12 round trip gives one everywhere.
            return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"{what}: the client certificate and key do not form a usable pair: {e.Message}", e);
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
