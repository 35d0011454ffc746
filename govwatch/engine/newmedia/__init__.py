"""New-media accounts (政务新媒体): post adapters, source health, activity, reprints.

Step 2 (collect) of the supervision loop for accounts: adapters turn feeds and push payloads
into ``Post`` values (the web layer's importer reads export files into the same values);
``health`` records every fetch attempt so a failing source makes its accounts "unknown"
rather than "not updated"; ``activity`` computes per-account statistics for any window;
``observe`` maps them onto the indicator inputs; ``reprint`` follows the 重要信息转载 tasks.
"""
