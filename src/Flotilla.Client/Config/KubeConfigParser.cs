using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Flotilla.Client.Config;

/// <summary>
/// Reads one kubeconfig document into the model: unknown fields are ignored (as kubectl ignores them), *-data
/// fields are base64-decoded, and relative paths are made absolute against the file's directory, as clientcmd's
/// <c>ResolveLocalPaths</c> does before any merge.
/// </summary>
internal static class KubeConfigParser
{
    /// <summary>User fields kubectl understands that this client does not; naming them beats failing with 401 later.</summary>
    private static readonly string[] UnsupportedUserFields =
        ["exec", "auth-provider", "username", "password", "as", "as-uid", "as-groups", "as-user-extra"];

    public static KubeConfig Parse(string yaml, string baseDirectory, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"{source} is not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            // kubectl treats an empty file as an empty configuration.
            return new KubeConfig(new Dictionary<string, KubeCluster>(), new Dictionary<string, KubeUser>(), new Dictionary<string, KubeContext>(), null);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new KubeConfigException($"{source} is not a kubeconfig: the document is not a mapping");
        }
        var reader = new Reader(source, baseDirectory);
        var clusters = reader.NamedList(root, "clusters", "cluster", reader.Cluster);
        var users = reader.NamedList(root, "users", "user", reader.User);
        var contexts = reader.NamedList(root, "contexts", "context", reader.Context);
        var current = Reader.Scalar(root, "current-context");
        return new KubeConfig(clusters, users, contexts, string.IsNullOrEmpty(current) ? null : current);
    }

    private sealed class Reader(string source, string baseDirectory)
    {
        public Dictionary<string, T> NamedList<T>(YamlMappingNode root, string listField, string entryField, Func<YamlMappingNode, string, T> read)
        {
            var result = new Dictionary<string, T>(StringComparer.Ordinal);
            var node = Child(root, listField);
            if (node is null || node is YamlScalarNode { Value: null or "" })
            {
                return result;
            }
            if (node is not YamlSequenceNode list)
            {
                throw new KubeConfigException($"{source}: {listField} must be a list of {{name, {entryField}}} entries");
            }
            foreach (var item in list)
            {
                if (item is not YamlMappingNode entry || Scalar(entry, "name") is not { Length: > 0 } name)
                {
                    throw new KubeConfigException($"{source}: every entry of {listField} needs a name");
                }
                var body = Child(entry, entryField) as YamlMappingNode ?? new YamlMappingNode();
                // clientcmd rejects a name used twice in one file rather than guessing which entry was meant.
                if (!result.TryAdd(name, read(body, $"{listField}[{name}]")))
                {
                    throw new KubeConfigException($"{source}: {listField} has two entries named \"{name}\"; rename or remove one");
                }
            }
            return result;
        }

        public KubeCluster Cluster(YamlMappingNode node, string where) => new()
        {
            Server = Scalar(node, "server"),
            CertificateAuthority = PathField(node, "certificate-authority"),
            CertificateAuthorityData = DataField(node, "certificate-authority-data", where),
            InsecureSkipTlsVerify = Bool(node, "insecure-skip-tls-verify", where),
            TlsServerName = Scalar(node, "tls-server-name"),
            ProxyUrl = Scalar(node, "proxy-url"),
            DisableCompression = Bool(node, "disable-compression", where),
        };

        public KubeUser User(YamlMappingNode node, string where) => new()
        {
            ClientCertificate = PathField(node, "client-certificate"),
            ClientCertificateData = DataField(node, "client-certificate-data", where),
            ClientKey = PathField(node, "client-key"),
            ClientKeyData = DataField(node, "client-key-data", where),
            Token = Scalar(node, "token"),
            TokenFile = PathField(node, "tokenFile"),
            UnsupportedFields = [.. UnsupportedUserFields.Where(f => Child(node, f) is { } value && value is not YamlScalarNode { Value: null or "" })],
        };

        public KubeContext Context(YamlMappingNode node, string where) => new()
        {
            Cluster = Scalar(node, "cluster"),
            User = Scalar(node, "user"),
            Namespace = Scalar(node, "namespace"),
        };

        private string? PathField(YamlMappingNode node, string field) =>
            Scalar(node, field) is { Length: > 0 } path ? Path.GetFullPath(path, baseDirectory) : null;

        private byte[]? DataField(YamlMappingNode node, string field, string where)
        {
            if (Scalar(node, field) is not { Length: > 0 } text)
            {
                return null;
            }
            try
            {
                return Convert.FromBase64String(text);
            }
            catch (FormatException e)
            {
                throw new KubeConfigException($"{source}: {where}.{field} is not valid base64: {e.Message}", e);
            }
        }

        private bool Bool(YamlMappingNode node, string field, string where) => Scalar(node, field)?.ToLowerInvariant() switch
        {
            null or "" or "false" or "no" or "off" => false,
            "true" or "yes" or "on" => true,
            var other => throw new KubeConfigException($"{source}: {where}.{field} must be true or false, not \"{other}\""),
        };

        public static YamlNode? Child(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

        public static string? Scalar(YamlMappingNode node, string key) => Child(node, key) is YamlScalarNode scalar ? scalar.Value : null;
    }
}
