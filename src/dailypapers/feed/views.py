from django.http import HttpRequest, HttpResponse


def latest_day(request: HttpRequest) -> HttpResponse:
    return HttpResponse("dailypapers")
