namespace Flotilla.Api.Networking;

/// <summary>
/// The DNS name rules networking objects rely on (upstream <c>IsDNS1123Subdomain</c>, <c>IsDNS1035Label</c>),
/// hand-coded because they run on every EndpointSlice reconcile.
/// </summary>
internal static class NetworkingNames
{
    public const int Dns1123SubdomainMaxLength = 253;
    public const int Dns1035LabelMaxLength = 63;

    /// <summary>The DNS-1035 label pattern, as the MultiClusterService CRD declares it on <c>spec.serviceImport.name</c>.</summary>
    public const string Dns1035LabelPattern = "^([a-z]([-a-z0-9]*[a-z0-9])?)$";

    // [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*, at most 253 characters.
    public static bool IsDns1123Subdomain(string text)
    {
        if (text.Length is 0 or > Dns1123SubdomainMaxLength)
        {
            return false;
        }
        foreach (var part in text.Split('.'))
        {
            if (part.Length == 0 || !IsLowerAlphanumeric(part[0]) || !IsLowerAlphanumeric(part[^1]))
            {
                return false;
            }
            foreach (var c in part)
            {
                if (!IsLowerAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }
        }
        return true;
    }

    // [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
    public static bool IsDns1035Label(string text) => text.Length <= Dns1035LabelMaxLength && MatchesDns1035Pattern(text);

    /// <summary>The <see cref="Dns1035LabelPattern"/> alone, without the length limit (the CRD checks that separately).</summary>
    public static bool MatchesDns1035Pattern(string text)
    {
        if (text.Length == 0 || !char.IsAsciiLetterLower(text[0]) || !IsLowerAlphanumeric(text[^1]))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!IsLowerAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
