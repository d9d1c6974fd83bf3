@rem The command line of Spine Treatment Explorer (`explorer` alone starts Windows' file manager).
@"%~dp0explorer.exe" %*
@exit /b %ERRORLEVEL%
