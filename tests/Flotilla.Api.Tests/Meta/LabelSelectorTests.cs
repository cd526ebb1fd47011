using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Meta;

public sealed class LabelSelectorTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("a=b", "a=b")]
    [InlineData("a==b", "a=b")]
    [InlineData("a!=b", "a!=b")]
    [InlineData("a in (b,c)", "a in (b,c)")]
    [InlineData("a notin (c, b, c)", "a notin (b,c)")]
    [InlineData("a", "a")]
    [InlineData("!a", "!a")]
    [InlineData("a>5", "a>5")]
    [InlineData("a<05", "a<05")]
    [InlineData("  a = b ,  c  ", "a=b,c")]
    [InlineData("z=1,a=2,m", "a=2,m,z=1")]
    [InlineData("x=", "x=")]
    [InlineData("x=,y", "x=,y")]
    [InlineData("x in ()", "x in ()")]
    [InlineData("x in (a,,b)", "x in (,a,b)")]
    [InlineData("x notin (,a)", "x notin (,a)")]
    [InlineData("example.com/app=web", "example.com/app=web")]
    [InlineData("in=notin", "in=notin")]
    [InlineData("a in (in,notin)", "a in (in,notin)")]
    [InlineData("a.b_c-d=A.b_C-9", "a.b_c-d=A.b_C-9")]
    public void Parse_ValidSelector_PrintsCanonicalForm(string text, string expected)
    {
        var selector = LabelSelector.Parse(text);

        Assert.Equal(expected, selector.ToString());
        Assert.Equal(expected, LabelSelector.Parse(selector.ToString()).ToString());
    }

    [Fact]
    public void Parse_NullOrEmpty_IsEverything()
    {
        Assert.True(LabelSelector.Parse(null).IsEverything);
        Assert.True(LabelSelector.Parse("").Matches((IReadOnlyDictionary<string, string>?)null));
    }

    [Fact]
    public void Parse_EveryOperator_BuildsRequirements()
    {
        var selector = LabelSelector.Parse("f>1,e<2,d notin (x),c in (y,z),b!=v,a==u,!g,h");

        var actual = selector.Requirements.Select(r => (r.Key, r.Operator, string.Join('|', r.Values))).ToArray();

        (string, LabelSelectorOperator, string)[] expected =
            [
                ("a", LabelSelectorOperator.Equals, "u"),
                ("b", LabelSelectorOperator.NotEquals, "v"),
                ("c", LabelSelectorOperator.In, "y|z"),
                ("d", LabelSelectorOperator.NotIn, "x"),
                ("e", LabelSelectorOperator.LessThan, "2"),
                ("f", LabelSelectorOperator.GreaterThan, "1"),
                ("g", LabelSelectorOperator.DoesNotExist, ""),
                ("h", LabelSelectorOperator.Exists, ""),
            ];
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("a=(", "unable to parse requirement: found '(', expected: identifier (at column 3 of label selector \"a=(\")")]
    [InlineData("a in b", "unable to parse requirement: found 'b', expected: '(' (at column 6")]
    [InlineData("a in (b", "unable to parse requirement: found end of string, expected: ',' or ')' (at column 8")]
    [InlineData("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'")]
    [InlineData("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier")]
    [InlineData("a,", "found end of string, expected: identifier after ',' (at column 3")]
    [InlineData("a,,b", "found ',', expected: identifier after ','")]
    [InlineData("a=b c", "found 'c', expected: ',' or 'end of string' (at column 5")]
    [InlineData("a=b=c", "found '=', expected: ',' or 'end of string'")]
    [InlineData("=a", "found '=', expected: !, identifier, or 'end of string' (at column 1")]
    [InlineData("(a)", "found '(', expected: !, identifier, or 'end of string'")]
    [InlineData("!", "unable to parse requirement: found end of string, expected: identifier")]
    [InlineData("!=a", "found '!=', expected: !, identifier, or 'end of string'")]
    [InlineData("!a=b", "found '=', expected: ',' or 'end of string'")]
    [InlineData("a b", "unable to parse requirement: found 'b', expected: one of in, notin, =, ==, !=, >, <")]
    [InlineData("a>b", "for 'Gt', 'Lt' operators, the value must be an integer, got \"b\"")]
    [InlineData("a<", "for 'Gt', 'Lt' operators, the value must be an integer, got \"\"")]
    [InlineData("a>1.5", "the value must be an integer")]
    [InlineData("-a=b", "invalid label key \"-a\": name part must consist of alphanumeric characters")]
    [InlineData("a-=b", "invalid label key \"a-\": name part must consist")]
    [InlineData("Example.com/a=b", "invalid label key \"Example.com/a\": prefix part must be a lowercase RFC 1123 subdomain")]
    [InlineData("/a=b", "prefix part must be non-empty")]
    [InlineData("a/=b", "name part must be non-empty")]
    [InlineData("a/b/c=d", "at most one '/'")]
    [InlineData("a=-b", "invalid label value \"-b\" at key \"a\": a valid label must be an empty string or consist of alphanumeric characters")]
    [InlineData("a in (b,c_)", "invalid label value \"c_\" at key \"a\"")]
    [InlineData("a=b$", "invalid label value \"b$\"")]
    public void Parse_Malformed_ThrowsBadRequestNamingTheProblem(string text, string expectedMessagePart)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse(text));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyAndValueLengthLimits_Enforced()
    {
        var name63 = new string('a', 63);
        var prefix253 = string.Join('.', Enumerable.Repeat(new string('b', 49), 5)) + ".ccc";
        Assert.Equal(253, prefix253.Length);

        Assert.Equal($"{prefix253}/{name63}={name63}", LabelSelector.Parse($"{prefix253}/{name63}={name63}").ToString());
        Assert.Contains("name part must be no more than 63 characters", Assert.Throws<ApiException>(() => LabelSelector.Parse(name63 + "a")).Message, StringComparison.Ordinal);
        Assert.Contains("prefix part must be no more than 253 characters", Assert.Throws<ApiException>(() => LabelSelector.Parse($"d{prefix253}/a")).Message, StringComparison.Ordinal);
        Assert.Contains("must be no more than 63 characters", Assert.Throws<ApiException>(() => LabelSelector.Parse($"a={name63}a")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=b", "a=b", true)]
    [InlineData("a=b", "a=c", false)]
    [InlineData("a=b", "", false)]
    [InlineData("a==b", "a=b", true)]
    [InlineData("a=", "a=", true)]
    [InlineData("a=", "", false)]
    [InlineData("a!=b", "", true)]
    [InlineData("a!=b", "a=b", false)]
    [InlineData("a!=b", "a=c", true)]
    [InlineData("a in (b,c)", "a=c", true)]
    [InlineData("a in (b,c)", "a=d", false)]
    [InlineData("a in (b,c)", "", false)]
    [InlineData("a notin (b,c)", "", true)]
    [InlineData("a notin (b,c)", "a=b", false)]
    [InlineData("a notin (b,c)", "a=d", true)]
    [InlineData("a", "a=", true)]
    [InlineData("a", "b=x", false)]
    [InlineData("!a", "", true)]
    [InlineData("!a", "a=x", false)]
    [InlineData("a>5", "a=6", true)]
    [InlineData("a>5", "a=5", false)]
    [InlineData("a>5", "a=x", false)]
    [InlineData("a>5", "", false)]
    [InlineData("a<5", "a=4", true)]
    [InlineData("a<5", "a=10", false)]
    [InlineData("a>05", "a=6", true)]
    [InlineData("a>5", "a=+6", true)]
    [InlineData("", "", true)]
    [InlineData("", "a=b", true)]
    [InlineData("a=b,c", "a=b,c=x", true)]
    [InlineData("a=b,c", "a=b", false)]
    [InlineData("a=b,!c", "a=b,c=x", false)]
    public void Matches_LabelSet_FollowsOperatorSemantics(string selectorText, string labelsText, bool expected)
    {
        var selector = LabelSelector.Parse(selectorText);
        var labels = labelsText.Length == 0
            ? new Dictionary<string, string>()
            : labelsText.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var json = new JsonObject();
        foreach (var (key, value) in labels)
        {
            json[key] = value;
        }

        Assert.Equal(expected, selector.Matches(labels));
        Assert.Equal(expected, selector.Matches(json));
    }

    [Fact]
    public void Matches_NullLabels_IsEmptySet()
    {
        Assert.True(LabelSelector.Parse("!a").Matches((JsonObject?)null));
        Assert.False(LabelSelector.Parse("a").Matches((JsonObject?)null));
        Assert.True(LabelSelector.Parse("a!=b").Matches((IReadOnlyDictionary<string, string>?)null));
    }

    [Fact]
    public void Matches_JsonLabelNotAString_TreatedAsAbsent()
    {
        var labels = new JsonObject { ["a"] = 5, ["b"] = null };

        Assert.False(LabelSelector.Parse("a").Matches(labels));
        Assert.True(LabelSelector.Parse("!b").Matches(labels));
    }

    [Fact]
    public void FromStructured_Null_ReturnsNullForCallerToInterpret()
    {
        Assert.Null(LabelSelector.FromStructured(null));
    }

    [Theory]
    [InlineData("{}", "")]
    [InlineData("""{"matchLabels":{}}""", "")]
    [InlineData("""{"matchLabels":{"b":"2","a":"1"}}""", "a=1,b=2")]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]}]}""", "env in (dev,prod)")]
    [InlineData("""{"matchExpressions":[{"key":"env","operator":"NotIn","values":["dev"]}]}""", "env notin (dev)")]
    [InlineData("""{"matchExpressions":[{"key":"gpu","operator":"Exists"},{"key":"legacy","operator":"DoesNotExist","values":[]}]}""", "gpu,!legacy")]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["fe"]}]}""", "app=web,tier in (fe)")]
    public void FromStructured_ValidSelector_PrintsCanonicalForm(string json, string expected)
    {
        var selector = LabelSelector.FromStructured(JsonNode.Parse(json)!.AsObject());

        Assert.Equal(expected, selector.ToString());
        Assert.Equal(expected.Length == 0, selector.IsEverything);
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Equals","values":["x"]}]}""", "matchExpressions[0].operator: \"Equals\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}""", "matchExpressions[0]: label selector requirement on \"a\": for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}""", "values set must be empty for exists and does not exist")]
    [InlineData("""{"matchExpressions":[{"operator":"Exists"}]}""", "matchExpressions[0].key: required string")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In","values":[1]}]}""", "matchExpressions[0].values[0]: must be a string")]
    [InlineData("""{"matchExpressions":{"key":"a"}}""", "matchExpressions: must be a list")]
    [InlineData("""{"matchLabels":{"a":1}}""", "matchLabels[\"a\"]: label value must be a string")]
    [InlineData("""{"matchLabels":{"a_":"b"}}""", "invalid label key \"a_\"")]
    public void FromStructured_Malformed_ThrowsBadRequest(string json, string expectedMessagePart)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.FromStructured(JsonNode.Parse(json)!.AsObject()));

        Assert.Equal(400, error.Code);
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryFromStructured_Malformed_ReturnsError()
    {
        var ok = LabelSelector.TryFromStructured(JsonNode.Parse("""{"matchLabels":[]}""")!.AsObject(), out var selector, out var error);

        Assert.False(ok);
        Assert.Null(selector);
        Assert.Contains("matchLabels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Malformed_ReturnsErrorInsteadOfThrowing()
    {
        Assert.False(LabelSelector.TryParse("a in", out var selector, out var error));
        Assert.Null(selector);
        Assert.Contains("expected: '('", error, StringComparison.Ordinal);

        Assert.True(LabelSelector.TryParse("a in (b)", out selector, out error));
        Assert.Equal("a in (b)", selector.ToString());
        Assert.Null(error);
    }

    [Fact]
    public void FromLabels_Map_RequiresEveryLabel()
    {
        var selector = LabelSelector.FromLabels(new Dictionary<string, string> { ["tier"] = "web", ["app"] = "shop" });

        Assert.Equal("app=shop,tier=web", selector.ToString());
        Assert.True(selector.Matches(new Dictionary<string, string> { ["app"] = "shop", ["tier"] = "web", ["x"] = "y" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "shop" }));
    }

    [Fact]
    public void Constructor_RequirementsOutOfOrder_SortsByKey()
    {
        var selector = new LabelSelector(
        [
            new LabelSelectorRequirement("b", LabelSelectorOperator.Exists),
            new LabelSelectorRequirement("a", LabelSelectorOperator.In, ["y", "x", "y"]),
        ]);

        Assert.Equal("a in (x,y),b", selector.ToString());
        Assert.Equal(new[] { "x", "y" }, selector.Requirements[0].Values);
    }

    [Theory]
    [InlineData(LabelSelectorOperator.Equals, new string[0], "exact-match compatibility requires one single value")]
    [InlineData(LabelSelectorOperator.NotEquals, new[] { "a", "b" }, "exact-match compatibility requires one single value")]
    [InlineData(LabelSelectorOperator.GreaterThan, new[] { "1", "2" }, "exactly one value is required")]
    [InlineData(LabelSelectorOperator.NotIn, new string[0], "values set can't be empty")]
    [InlineData(LabelSelectorOperator.DoesNotExist, new[] { "a" }, "values set must be empty")]
    [InlineData((LabelSelectorOperator)42, new string[0], "unknown operator 42")]
    public void RequirementConstructor_WrongValueCount_ThrowsBadRequest(LabelSelectorOperator op, string[] values, string expectedMessagePart)
    {
        var error = Assert.Throws<ApiException>(() => new LabelSelectorRequirement("k", op, values));

        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app", null)]
    [InlineData("app.kubernetes.io/name", null)]
    [InlineData("kubernetes.io/role", null)]
    [InlineData("", "name part must be non-empty")]
    [InlineData("a b", "name part must consist")]
    [InlineData("UPPER.example/x", "prefix part must be a lowercase RFC 1123 subdomain")]
    [InlineData("a..b/x", "prefix part must be a lowercase RFC 1123 subdomain")]
    public void ValidateLabelKey_Key_ReportsProblem(string key, string? expectedPart)
    {
        var error = LabelSelector.ValidateLabelKey(key);

        if (expectedPart is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expectedPart, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("v1.2_3-x", true)]
    [InlineData("_x", false)]
    [InlineData("x/y", false)]
    public void ValidateLabelValue_Value_AcceptsLabelSyntaxOnly(string value, bool valid)
    {
        Assert.Equal(valid, LabelSelector.ValidateLabelValue(value) is null);
    }
}
