namespace ServiceTokenOperator.Observability;

/// <summary>What makes two events the same occurrence: same object, type, reason and message.</summary>
internal sealed record EventKey(string InvolvedUid, string Type, string Reason, string Message);
