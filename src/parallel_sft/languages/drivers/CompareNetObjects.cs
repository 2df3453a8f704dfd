// The one call of the CompareNETObjects library (KellermanSoftware.CompareNetObjects) that
// MBXP's C# tests make: new CompareLogic().Compare(expected, actual).AreEqual. Written for
// parallel-sft because NuGet, where the library lives, cannot be reached from its build
// machines (see languages/testing.py). It compares as the library's defaults do: values
// of different types differ; strings and primitives by Equals; dictionaries entry by
// entry; other collections item by item, in order; any other object field by field and
// property by property, recursively.
using System;
using System.Collections;
using System.Reflection;

namespace KellermanSoftware.CompareNetObjects
{
    public class ComparisonResult
    {
        public bool AreEqual { get; internal set; }
        public string DifferencesString { get; internal set; }
    }

    public class CompareLogic
    {
        public ComparisonResult Compare(object expected, object actual)
        {
            string why = Difference(expected, actual, "", 0);
            return new ComparisonResult { AreEqual = why == null, DifferencesString = why ?? "" };
        }

        static string Difference(object a, object b, string path, int depth)
        {
            if (depth > 64) return null;
            if (a == null || b == null)
                return (a == null && b == null) ? null : path + ": one value is null";
            Type t = a.GetType();
            if (t != b.GetType()) return path + ": different types " + t + " and " + b.GetType();
            if (a is string || t.IsPrimitive || t.IsEnum || a is decimal || a is DateTime)
                return a.Equals(b) ? null : path + ": " + a + " != " + b;
            IDictionary da = a as IDictionary;
            if (da != null)
            {
                IDictionary db = (IDictionary)b;
                if (da.Count != db.Count) return path + ": different counts";
                foreach (object key in da.Keys)
                {
                    if (!db.Contains(key)) return path + ": key " + key + " missing";
                    string why = Difference(da[key], db[key], path + "[" + key + "]", depth + 1);
                    if (why != null) return why;
                }
                return null;
            }
            IEnumerable ea = a as IEnumerable;
            if (ea != null)
            {
                IEnumerator x = ea.GetEnumerator(), y = ((IEnumerable)b).GetEnumerator();
                int i = 0;
                while (true)
                {
                    bool more = x.MoveNext(), other = y.MoveNext();
                    if (more != other) return path + ": different counts";
                    if (!more) return null;
                    string why = Difference(x.Current, y.Current, path + "[" + i + "]", depth + 1);
                    if (why != null) return why;
                    i++;
                }
            }
            foreach (FieldInfo f in t.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                string why = Difference(f.GetValue(a), f.GetValue(b), path + "." + f.Name, depth + 1);
                if (why != null) return why;
            }
            foreach (PropertyInfo p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!p.CanRead || p.GetIndexParameters().Length > 0) continue;
                string why = Difference(p.GetValue(a, null), p.GetValue(b, null), path + "." + p.Name, depth + 1);
                if (why != null) return why;
            }
            return null;
        }
    }
}
