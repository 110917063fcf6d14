from django.urls import path

from sandbox.accounts.views import accept, members

app_name = "accounts"

urlpatterns = [
    path("team/members/", members.members, name="members"),
    path(
        "team/members/invitations/<int:pk>/<str:action>/",
        members.invitation_action,
        name="invitation_action",
    ),
    path("invitations/<str:token>/", accept.accept, name="accept"),
]
