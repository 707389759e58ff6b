"""The README section for oversight, generated from the code that computes it."""

from minxin.oversight.metrics import definitions_markdown
from minxin.oversight.models import ScorecardConfig
from minxin.oversight.sweeps import SWEEPS

WORKER = """\
## 后台任务与定时巡检

任务队列在数据库中（Django 6 `django.tasks` + `django-tasks-db`，PostgreSQL 上以
`SELECT … FOR UPDATE SKIP LOCKED` 领取任务），可在任意多台机器上同时运行任意多个进程：

    manage.py worker                 # 处理队列中的任务（常驻；systemd 服务，可多实例）
    manage.py sweep                  # 调度器：按周期把巡检加入队列（常驻；可多实例）
    manage.py sweep --once           # 只调度当前周期一次（供 cron / systemd timer 每分钟调用）
    manage.py sweep --once --inline  # 不经队列，在本进程内直接执行（嵌入式 SQLite 部署）
    manage.py sweep --run overdue    # 立即执行某一巡检（排障用）

生产环境：以 systemd 运行 1 个以上 `manage.py worker` 和 1 个以上 `manage.py sweep`。
每个巡检周期在 `SweepRun` 表中以（巡检, 周期）唯一约束“认领”，多个调度器同时运行也只入队一次。
每个巡检读取的是“当前状态”，写入都有唯一约束或条件更新保护：重复执行、两个进程同时执行、
执行到一半进程被杀后重跑，结果都相同，既不重复也不遗漏。提醒写入 `Notice` 发件箱
（（类型, 事项, 接收单位, 周期）唯一），发送时以 `filter(pk=…, sent_at=None).update(sent_at=now)`
认领，发送后发出 `minxin.oversight.sweeps.notice_sent` 信号，短信等渠道可订阅。
进程被杀时它正在执行的任务在队列中停留为“运行中”，不会自动重试；下一周期的同一巡检会补做
未完成的部分（巡检按状态而非增量工作）。`manage.py prune_db_task_results` 可清理旧的任务记录。
"""

SCORECARD = """\
## 责任单位考评（政绩观）

得分（0–100）= 100 ×（化解、满意、按期、一次性化解 四项比率及就地化解率的加权平均）− 扣分。

- **化解**：本单位有结果的事项中“站得住”的比例——结果日后{days}日内同一信访人未再信访，且未在复查、复核中被撤销或变更。
- **满意**：对本单位（责任单位）的评价中满意＋基本满意的比例。
- **按期**：本单位应完成的及时受理类和按期办结类期限中按期完成的比例。
- **一次性化解**：见指标“一次性化解率”。
- **就地化解（小事不出村）**：本单位辖区内本期网格上报的事项中，在网格化解、且其后未形成信访事项的比例（只计村社区、乡镇街道和网格）。网格员申请或已登记为信访事项的不算；标记化解后{days}日内，同一领域、同一地点（该网格、其下位置或所在村社区）又收到信访事项的（由其他网格上报登记的除外）也不算，化解不实、把人劝走不得分。辖区内没有网格上报的单位不计此项，其余各项权重按比例计算。
- **小样本收缩**：每项比率按“先验件数”向全部参评单位的合并比率收缩：(比率×件数 + 合并比率×先验件数) ÷ (件数 + 先验件数)。件数少的单位接近平均水平，不因偶然满分得高分；得分只用比率，不用件数。
- **无有结果事项不排名**：本期有结果件数为0的单位，化解、一次性化解等各项为“无数据”，不计分、不排名，列在已排名单位之后。若把空白记录收缩到平均水平，一件未办结的单位反而排在切实化解问题、但比率略低于平均的单位之前，等于奖励少收件、不办结。例外：辖区内本期有网格上报的村社区、乡镇街道按有数据的各项（就地化解，以及评价、期限如有）计分排名，无数据的各项不得分。
- **重复信访扣分**：本单位办结或不予受理的事项中，结果日后{days}日内同一信访人（同一信访人档案或同一身份证号盲索引）再次信访的比例，每1个百分点扣 {penalty_repeat} 分。
- **被撤销/变更扣分**：本单位作出的意见在复查、复核中被撤销或变更的事项占本单位有结果事项的比例，每1个百分点扣 {penalty_overturned} 分。
- **疑似压案**：本单位本期收件量比上一等长期间下降超过 {drop:.0%}，而其辖区的其他信号（越过本单位、在上级信访部门登记的本辖区信访；以及网格上报、热线、矛盾纠纷台账等通过 `SUPPRESSION_SIGNALS` 接入的计数）本期不少于 {min_signals} 件且未下降，即标记“疑似压案”，并列出两期的数字。该标记提示核查，不计入得分。

权重和参数保存在数据库表 `ScorecardConfig`（系统管理 › 督查督办 › 考评配置）中，默认值：

| 参数 | 默认值 |
|---|---|
| 化解权重 | {w_res} |
| 满意权重 | {w_sat} |
| 按期权重 | {w_time} |
| 一次性化解权重 | {w_ftr} |
| 就地化解权重 | {w_local} |
| 重复信访回溯天数 | {days} |
| 重复信访扣分（每1%） | {penalty_repeat} |
| 被撤销/变更扣分（每1%） | {penalty_overturned} |
| 先验件数（小样本收缩强度） | {prior} |
| 压案判定：登记量降幅 | {drop} |
| 压案判定：其他信号最少件数 | {min_signals} |
"""


def readme_text() -> str:
    cfg = ScorecardConfig()
    sweeps = "\n".join(f"| `{s.name}` | {s.label} | {s.interval // 60} 分钟 |" for s in SWEEPS.values())
    return "\n".join([
        "# 督查督办：指标、考评、督办与后台任务", "",
        "## 指标口径", "",
        "所有指标只在 `minxin/oversight/metrics.py` 中定义一次；页面（/oversight/metrics/）、接口"
        "（`GET /api/v1/oversight/metrics`、`/metrics/definitions`）和考评都使用同一定义。",
        "", definitions_markdown(),
        SCORECARD.format(
            days=cfg.repeat_window_days, penalty_repeat=cfg.penalty_repeat, penalty_overturned=cfg.penalty_overturned,
            drop=float(cfg.suppression_drop), min_signals=cfg.suppression_min_signals, w_res=cfg.weight_resolution,
            w_sat=cfg.weight_satisfaction, w_time=cfg.weight_timeliness, w_ftr=cfg.weight_first_time, w_local=cfg.weight_local, prior=cfg.prior_cases,
        ),
        WORKER,
        "| 巡检 | 内容 | 周期 |", "|---|---|---|", sweeps, "",
    ])
