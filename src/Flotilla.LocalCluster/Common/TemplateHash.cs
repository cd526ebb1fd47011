using System.Text;
using System.Text.Json.Nodes;

namespace Flotilla.LocalCluster.Common;

/// <summary>
/// Hashes of pod templates, for <c>pod-template-hash</c> and <c>controller-revision-hash</c>. Upstream hashes the Go
/// struct's printed form with FNV-32a (plus the collision count) and encodes the decimal hash with the alphabet
/// that avoids vowels and look-alikes; this hashes the template's canonical JSON the same way, so names look like
/// upstream's (<c>web-7d4b9c8f5</c>) though the values differ.
/// </summary>
internal static class TemplateHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(JsonNode? template, long? collisionCount)
    {
        var hash = 2166136261u;
        void Add(string text)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                hash ^= b;
                hash *= 16777619u;
            }
        }
        Add(Json.Canonical(template));
        // A collision count of 0 hashes as none: StatefulSets report 0 from their first status on, and a revision
        // must not change because its status was written.
        if (collisionCount is { } count and not 0)
        {
            Add(Json.Invariant(count));
        }
        return SafeEncode(hash.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Upstream's <c>rand.SafeEncodeString</c>: every character mapped into the alphabet.</summary>
    public static string SafeEncode(string text)
    {
        var chars = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = Alphabet[text[i] % Alphabet.Length];
        }
        return new string(chars);
    }
}
