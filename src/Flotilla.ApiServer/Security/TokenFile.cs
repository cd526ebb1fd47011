using System.Security.Cryptography;
using System.Text;

namespace Flotilla.ApiServer.Security;

/// <summary>A user a bearer token authenticates as.</summary>
public sealed record TokenUser(string Name, string Uid, IReadOnlyList<string> Groups);

/// <summary>
/// Static bearer tokens, in kube-apiserver's <c>--token-auth-file</c> format: one
/// <c>token,user,uid[,"group1,group2"]</c> line per token. Created with one admin token on first start.
/// </summary>
public sealed class TokenFile
{
    private readonly Dictionary<string, TokenUser> _users;

    private TokenFile(Dictionary<string, TokenUser> users, string adminToken)
    {
        _users = users;
        AdminToken = adminToken;
    }

    /// <summary>The first token in the file, written into the kubeconfig.</summary>
    public string AdminToken { get; }

    public static TokenFile LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
            File.WriteAllText(path, $"{token},admin,admin,\"system:masters\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        var users = new Dictionary<string, TokenUser>(StringComparer.Ordinal);
        string? first = null;
        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var fields = SplitCsv(line);
            if (fields.Count < 3 || fields[0].Length == 0)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected token,user,uid[,\"groups\"]");
            }
            var groups = fields.Count > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            users[fields[0]] = new TokenUser(fields[1], fields[2], groups);
            first ??= fields[0];
        }
        return new TokenFile(users, first ?? throw new InvalidDataException($"{path}: holds no token"));
    }

    /// <summary>The user of a presented token, compared in constant time per candidate.</summary>
    public TokenUser? Authenticate(string token)
    {
        var presented = Encoding.UTF8.GetBytes(token);
        foreach (var (candidate, user) in _users)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(candidate)))
            {
                return user;
            }
        }
        return null;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        fields.Add(current.ToString().Trim());
        return fields;
    }
}
