using System.Text.RegularExpressions;
using ServiceTokenOperator.Api.V1Alpha1;
using ServiceTokenOperator.Providers;

namespace ServiceTokenOperator.Controllers;

/// <summary>The rotation and deletion policy of a ServiceToken with every default applied (defaults live in code, never in the schema).</summary>
/// <param name="Every">Rotation period; null when a cron schedule is used.</param>
/// <param name="Schedule">Cron schedule; null when a period is used.</param>
internal sealed partial record TokenPolicy(TimeSpan? Every, CronSchedule? Schedule, TimeSpan GracePeriod, bool RevokeOnDelete, string SecretName, string CreationPolicy)
{
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromHours(2160);
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromMinutes(10);

    public const string CreationOwner = "Owner";
    public const string CreationOrphan = "Orphan";
    public const string CreationMerge = "Merge";

    /// <summary>Parses the spec; what the schema could not reject comes back as a problem naming the field.</summary>
    public static (TokenPolicy? Policy, ConfigProblem? Problem) From(ServiceToken token, TimeSpan minRotationPeriod)
    {
        var rotation = token.Spec.Rotation;
        TimeSpan? every = null;
        CronSchedule? schedule = null;
        if (rotation?.Every is not null && rotation.Schedule is not null)
            return Fail("spec.rotation", "set either every or schedule, not both");

        if (rotation?.Schedule is { } cron)
        {
            var (parsed, error) = CronSchedule.Parse(cron, rotation.TimeZone);
            if (parsed is null) return Fail(error!.StartsWith("time zone", StringComparison.Ordinal) ? "spec.rotation.timeZone" : "spec.rotation.schedule", error);
            schedule = parsed;
        }
        else
        {
            if (rotation?.TimeZone is not null)
                return Fail("spec.rotation.timeZone", "timeZone applies only to a schedule");
            if (rotation?.Every is { } text)
            {
                if (!GoDuration.TryParse(text, out var parsed) || parsed <= TimeSpan.Zero)
                    return Fail("spec.rotation.every", $"\"{text}\" is not a positive duration such as 2160h or 30m");
                if (parsed < minRotationPeriod)
                    return Fail("spec.rotation.every", $"{text} is shorter than the operator's minimum rotation period {GoDuration.Format(minRotationPeriod)}");
                every = parsed;
            }
            else
            {
                every = DefaultEvery;
            }
        }

        var grace = DefaultGracePeriod;
        if (rotation?.GracePeriod is { } graceText)
        {
            if (graceText is not "0s" and not "0" && (!GoDuration.TryParse(graceText, out grace) || grace < TimeSpan.Zero))
                return Fail("spec.rotation.gracePeriod", $"\"{graceText}\" is not a duration such as 10m");
            if (graceText is "0s" or "0") grace = TimeSpan.Zero;
            if (every is { } period && grace >= period)
                return Fail("spec.rotation.gracePeriod", $"{graceText} must be shorter than the rotation period {GoDuration.Format(period)}");
        }

        if (token.Spec.PlanetScale?.Ttl is { } ttl && (!GoDuration.TryParse(ttl, out var lifetime) || lifetime < TimeSpan.FromMinutes(1)))
            return Fail("spec.planetscale.ttl", $"\"{ttl}\" is not a duration of at least 1m");

        var deletion = token.Spec.DeletionPolicy ?? "Revoke";
        if (deletion is not "Revoke" and not "Retain")
            return Fail("spec.deletionPolicy", $"\"{deletion}\" is not Revoke or Retain");

        var creation = token.Spec.Secret?.CreationPolicy ?? CreationOwner;
        if (creation is not CreationOwner and not CreationOrphan and not CreationMerge)
            return Fail("spec.secret.creationPolicy", $"\"{creation}\" is not Owner, Orphan or Merge");

        // The Secret is written after the vendor token exists: what Kubernetes would refuse in it must stop here.
        if (SecretMetadataProblem(token.Spec.Secret?.Template) is { } secretProblem)
            return (null, secretProblem);

        var issuerKind = token.Spec.IssuerRef.Kind ?? TokenIssuer.KindName;
        if (issuerKind is not TokenIssuer.KindName and not ClusterTokenIssuer.KindName)
            return Fail("spec.issuerRef.kind", $"\"{issuerKind}\" is not TokenIssuer or ClusterTokenIssuer");
        if (string.IsNullOrEmpty(token.Spec.IssuerRef.Name))
            return Fail("spec.issuerRef.name", "an issuer name is required");

        return (new TokenPolicy(every, schedule, grace, deletion == "Revoke", token.Spec.Secret?.Name ?? token.Metadata.Name, creation), null);

        static (TokenPolicy?, ConfigProblem?) Fail(string field, string message) => (null, new ConfigProblem(field, message));
    }

    private static ConfigProblem? SecretMetadataProblem(SecretTemplate? template)
    {
        foreach (var (field, keys) in (ReadOnlySpan<(string, IEnumerable<string>?)>)[("labels", template?.Labels?.Keys), ("annotations", template?.Annotations?.Keys)])
        {
            foreach (var key in keys ?? [])
            {
                if (!IsQualifiedName(key))
                    return new ConfigProblem($"spec.secret.template.{field}", $"\"{key}\" is not a valid key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
        }

        foreach (var key in (IEnumerable<string>?)template?.Data?.Keys ?? [])
        {
            if (key.Length > 253)
                return new ConfigProblem("spec.secret.template.data", $"a Secret key may have at most 253 characters; one has {key.Length}");
        }

        return null;
    }

    /// <summary>Kubernetes' qualified name, as label and annotation keys must be.</summary>
    private static bool IsQualifiedName(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !DnsSubdomain().IsMatch(prefix)) return false;
        }

        return name.Length is > 0 and <= 63 && QualifiedNamePart().IsMatch(name);
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    /// <summary>
    /// When the token issued at <paramref name="issuedAt"/> should be replaced: the period or the next schedule fire,
    /// no later than 2/3 of a vendor-side lifetime, moved earlier by a small jitter (up to 1% of the interval, at most
    /// 10 minutes) derived from the token's uid so that tokens applied together spread out, stably across restarts.
    /// </summary>
    public DateTimeOffset NextRotation(DateTimeOffset issuedAt, DateTimeOffset? expiresAt, string uid)
    {
        var next = Schedule is not null ? Schedule.NextAfter(issuedAt) : issuedAt + Every!.Value;
        if (expiresAt is { } expiry && expiry > issuedAt)
        {
            var byLifetime = issuedAt + ((expiry - issuedAt) * 2 / 3);
            if (byLifetime < next) next = byLifetime;
        }

        var interval = next - issuedAt;
        var maxJitter = TimeSpan.FromTicks(Math.Min(interval.Ticks / 100, TimeSpan.FromMinutes(10).Ticks));
        var fraction = (uint)uid.GetStableHash() / (double)uint.MaxValue;
        return next - TimeSpan.FromTicks((long)(maxJitter.Ticks * fraction));
    }
}
