namespace Flotilla.Client.Config;

/// <summary>A <c>clusters[].cluster</c> entry. Paths are absolute (resolved against the file that named them).</summary>
public sealed record KubeCluster
{
    /// <summary>The API server URL, e.g. <c>https://127.0.0.1:6443</c>; may carry a path prefix.</summary>
    public string? Server { get; init; }

    /// <summary><c>certificate-authority</c>: a PEM file of the CA(s) to trust.</summary>
    public string? CertificateAuthority { get; init; }

    /// <summary><c>certificate-authority-data</c>, decoded: PEM bytes. Wins over <see cref="CertificateAuthority"/>.</summary>
    public byte[]? CertificateAuthorityData { get; init; }

    /// <summary><c>insecure-skip-tls-verify</c>: accept any server certificate.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary><c>tls-server-name</c> (not supported: reported as a warning).</summary>
    public string? TlsServerName { get; init; }

    /// <summary><c>proxy-url</c> (not supported: reported as a warning, requests go directly).</summary>
    public string? ProxyUrl { get; init; }

    /// <summary><c>disable-compression</c>: do not ask for gzip responses.</summary>
    public bool DisableCompression { get; init; }
}

/// <summary>A <c>users[].user</c> entry. Paths are absolute (resolved against the file that named them).</summary>
public sealed record KubeUser
{
    /// <summary><c>client-certificate</c>: a PEM file with the client certificate.</summary>
    public string? ClientCertificate { get; init; }

    /// <summary><c>client-certificate-data</c>, decoded PEM. Wins over <see cref="ClientCertificate"/>.</summary>
    public byte[]? ClientCertificateData { get; init; }

    /// <summary><c>client-key</c>: a PEM file with the client certificate's private key.</summary>
    public string? ClientKey { get; init; }

    /// <summary><c>client-key-data</c>, decoded PEM. Wins over <see cref="ClientKey"/>.</summary>
    public byte[]? ClientKeyData { get; init; }

    /// <summary><c>token</c>: a bearer token. Wins over <see cref="TokenFile"/>.</summary>
    public string? Token { get; init; }

    /// <summary><c>tokenFile</c>: a file holding the bearer token, re-read as it rotates.</summary>
    public string? TokenFile { get; init; }

    /// <summary>Fields present but not supported (<c>exec</c>, <c>auth-provider</c>, <c>username</c>, …); reported as warnings.</summary>
    public IReadOnlyList<string> UnsupportedFields { get; init; } = [];

    /// <summary>Describes the user without its secrets (a record would print the token and key).</summary>
    public override string ToString() =>
        $"KubeUser {{ ClientCertificate = {ClientCertificate ?? (ClientCertificateData is null ? "none" : "<data>")}, " +
        $"ClientKey = {ClientKey ?? (ClientKeyData is null ? "none" : "<redacted>")}, Token = {(Token is null ? "none" : "<redacted>")}, TokenFile = {TokenFile ?? "none"} }}";
}

/// <summary>A <c>contexts[].context</c> entry: which cluster, as which user, in which namespace.</summary>
public sealed record KubeContext
{
    /// <summary>The name of an entry of <c>clusters</c>.</summary>
    public string? Cluster { get; init; }

    /// <summary>The name of an entry of <c>users</c>; none means anonymous.</summary>
    public string? User { get; init; }

    /// <summary>The default namespace; unset means <c>default</c>.</summary>
    public string? Namespace { get; init; }
}

/// <summary>
/// A kubeconfig: one file, or several merged with kubectl's rules (<see cref="LoadPathList"/>). Immutable; choose a
/// context and resolve it with <see cref="ClusterConnection.FromKubeConfig"/>.
/// </summary>
public sealed class KubeConfig
{
    internal KubeConfig(
        IReadOnlyDictionary<string, KubeCluster> clusters, IReadOnlyDictionary<string, KubeUser> users,
        IReadOnlyDictionary<string, KubeContext> contexts, string? currentContext)
    {
        Clusters = clusters;
        Users = users;
        Contexts = contexts;
        CurrentContext = currentContext;
    }

    /// <summary><c>clusters</c> by name.</summary>
    public IReadOnlyDictionary<string, KubeCluster> Clusters { get; }

    /// <summary><c>users</c> by name.</summary>
    public IReadOnlyDictionary<string, KubeUser> Users { get; }

    /// <summary><c>contexts</c> by name.</summary>
    public IReadOnlyDictionary<string, KubeContext> Contexts { get; }

    /// <summary><c>current-context</c>; null when no file sets it.</summary>
    public string? CurrentContext { get; }

    /// <summary>Parses kubeconfig YAML; relative paths in it resolve against <paramref name="baseDirectory"/> (default: the current directory).</summary>
    public static KubeConfig Parse(string yaml, string? baseDirectory = null) =>
        KubeConfigParser.Parse(yaml, baseDirectory ?? Directory.GetCurrentDirectory(), "kubeconfig");

    /// <summary>Loads one file; relative paths in it resolve against its directory. A missing file is an error.</summary>
    public static KubeConfig LoadFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new KubeConfigException($"kubeconfig {full} does not exist; pass an existing file or set KUBECONFIG");
        }
        return KubeConfigParser.Parse(File.ReadAllText(full), Path.GetDirectoryName(full)!, full);
    }

    /// <summary>
    /// Loads and merges files as kubectl merges a <c>KUBECONFIG</c> list: files that do not exist are skipped, the
    /// first file to set a cluster, user or context name wins that name (entries are never merged field by field),
    /// and <c>current-context</c> comes from the first file that sets it. Relative paths resolve against the file
    /// that names them.
    /// </summary>
    public static KubeConfig LoadFiles(IEnumerable<string> paths)
    {
        var clusters = new Dictionary<string, KubeCluster>(StringComparer.Ordinal);
        var users = new Dictionary<string, KubeUser>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, KubeContext>(StringComparer.Ordinal);
        string? current = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (path.Length == 0)
            {
                continue;
            }
            var full = Path.GetFullPath(path);
            if (!seen.Add(full) || !File.Exists(full))
            {
                continue;
            }
            var file = LoadFile(full);
            foreach (var (name, cluster) in file.Clusters)
            {
                clusters.TryAdd(name, cluster);
            }
            foreach (var (name, user) in file.Users)
            {
                users.TryAdd(name, user);
            }
            foreach (var (name, context) in file.Contexts)
            {
                contexts.TryAdd(name, context);
            }
            if (string.IsNullOrEmpty(current))
            {
                current = file.CurrentContext;
            }
        }
        return new KubeConfig(clusters, users, contexts, string.IsNullOrEmpty(current) ? null : current);
    }

    /// <summary>Loads a <c>KUBECONFIG</c>-style list: paths separated by <see cref="Path.PathSeparator"/>, merged as <see cref="LoadFiles"/> does.</summary>
    public static KubeConfig LoadPathList(string pathList) =>
        LoadFiles(pathList.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// kubectl's default: the <c>KUBECONFIG</c> list when the variable is set and non-empty, else
    /// <c>~/.kube/config</c>. Fails when neither yields a file.
    /// </summary>
    public static KubeConfig LoadDefault() => LoadDefault(Environment.GetEnvironmentVariable);

    internal static KubeConfig LoadDefault(Func<string, string?> environment)
    {
        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            var merged = LoadPathList(list);
            return merged.Contexts.Count > 0 || merged.Clusters.Count > 0
                ? merged
                : throw new KubeConfigException($"KUBECONFIG={list} names no existing kubeconfig file");
        }
        return LoadFile(DefaultPath(environment));
    }

    internal static string DefaultPath(Func<string, string?> environment)
    {
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".kube", "config");
    }
}

/// <summary>A kubeconfig or in-cluster configuration that cannot be used; the message names the file, entry and field.</summary>
public sealed class KubeConfigException : Exception
{
    /// <summary>A configuration error; say which file, entry and field, and what to do.</summary>
    public KubeConfigException(string message)
        : base(message)
    {
    }

    /// <summary>A configuration error caused by <paramref name="inner"/> (an I/O or crypto failure).</summary>
    public KubeConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
