using k8s.Models;

namespace ServiceTokenOperator.Controllers;

/// <summary>The one place conditions are set: keeps lastTransitionTime while the status is unchanged and stamps observedGeneration.</summary>
internal static class Conditions
{
    public static List<V1Condition> Set(List<V1Condition>? conditions, string type, bool status, string reason, string message, long? generation, DateTimeOffset now)
    {
        var list = conditions is null ? [] : new List<V1Condition>(conditions);
        var text = status ? "True" : "False";
        var index = list.FindIndex(c => c.Type == type);
        var existing = index >= 0 ? list[index] : null;
        var condition = new V1Condition
        {
            Type = type,
            Status = text,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = existing is not null && existing.Status == text ? existing.LastTransitionTime : now.UtcDateTime,
        };
        if (index >= 0) list[index] = condition;
        else list.Add(condition);
        return list;
    }

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) => Find(conditions, type)?.Status == "True";
}
