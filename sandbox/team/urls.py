from django.urls import path

from sandbox.team.views import (
    groups,
    jobs,
    join,
    matrix,
    onboard,
    personal_data,
    renew_link,
    sheet,
    testers,
)

app_name = "team"

urlpatterns = [
    path("team/", matrix.team_matrix, name="matrix"),
    path("team/matrix.json", matrix.matrix_json, name="matrix_json"),
    path("team/cell/", matrix.cell_action, name="cell"),
    path("team/renew-expiring/", matrix.renew_expiring, name="renew_expiring"),
    path("team/testers/", testers.tester_list, name="testers"),
    path("team/testers/<int:pk>/", testers.tester_detail, name="tester"),
    path("team/testers/<int:pk>/erase/", testers.tester_erase, name="erase"),
    path("team/testers/<int:pk>/data.json", personal_data.tester_data, name="tester_data"),
    path("team/personal-data/", personal_data.phone_data, name="phone_data"),
    path("team/jobs/", jobs.job_state, name="jobs"),
    path("onboard/", onboard.onboard, name="onboard"),
    path("onboard/<int:pk>/", onboard.batch_detail, name="batch"),
    path("onboard/<int:pk>/progress.json", onboard.batch_progress, name="progress"),
    path("onboard/<int:pk>/retry/", onboard.batch_retry, name="retry"),
    path("onboard/<int:pk>/sheet/", sheet.batch_sheet, name="sheet"),
    path("renew/<str:token>/", renew_link.renew_confirm, name="renew"),
    path("team/groups/", groups.group_list, name="groups"),
    path("team/groups/<int:pk>/", groups.group_detail, name="group"),
    path("team/groups/<int:pk>/add/", groups.group_add, name="group_add"),
    path("team/groups/<int:pk>/remove/<int:tester_pk>/", groups.group_remove, name="group_remove"),
    path("team/groups/<int:pk>/link/", groups.group_link, name="group_link"),
    path("team/groups/<int:pk>/feed.json", groups.group_feed, name="group_feed"),
    path("team/groups/<int:pk>/sheet/", groups.group_sheet, name="group_sheet"),
    path("join/<str:secret>/", join.join_page, name="join"),
]
